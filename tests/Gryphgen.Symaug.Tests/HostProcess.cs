namespace Gryphgen.Symaug.Tests;

/// <summary>A process of the host as /proc shows it, for checks that look past SYMAUG at what its sandboxes left.</summary>
public sealed record HostProcess(int Pid, int Uid, char State, string CommandLine)
{
    /// <summary>
    /// Not a zombie. A zombie runs nothing: it is an exit status waiting for its parent, or for init once its parent
    /// (a killed sandbox) is gone, to collect it, and this machine's init collects orphans seconds late under load.
    /// </summary>
    public bool Running => State != 'Z';

    public override string ToString() => $"{Pid} {State} uid {Uid} {CommandLine}";

    /// <summary>The running processes of <paramref name="uid"/>.</summary>
    public static List<HostProcess> RunningAs(int uid) => [.. All().Where(p => p.Uid == uid && p.Running)];

    /// <summary>Every process of <paramref name="uid"/>, zombies too: the kernel counts those against the user's process limit.</summary>
    public static int CountOf(int uid) => All().Count(p => p.Uid == uid);

    public static List<HostProcess> All() =>
    [
        .. Directory.EnumerateDirectories("/proc").Select(folder => int.TryParse(Path.GetFileName(folder), out var pid) ? Of(pid) : null).OfType<HostProcess>(),
    ];

    /// <summary>The process, or null once it has ended.</summary>
    public static HostProcess? Of(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status").Select(line => line.Split(':', 2)).Where(f => f.Length == 2)
                .ToDictionary(f => f[0], f => f[1].Trim());
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');
            return new HostProcess(pid, int.Parse(status["Uid"].Split('\t')[0]), status["State"][0],
                commandLine.Length > 0 ? commandLine : $"[{status["Name"]}]");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // ended meanwhile
        }
    }
}
