namespace Gryphgen.Symaug.Sandbox;

/// <summary>The users and groups this host's account files give a name: ids the sandbox pool must never hand out.</summary>
public static class HostAccounts
{
    /// <summary>Each named user or group whose id is in [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public static IEnumerable<string> Within(long start, long count) =>
        from file in new[] { "/etc/passwd", "/etc/group" }
        where File.Exists(file)
        from line in File.ReadLines(file)
        let fields = line.Split(':')
        where fields.Length > 2 && long.TryParse(fields[2], out var id) && id >= start && id < start + count
        select $"{fields[0]} ({fields[2]}, {file})";
}
