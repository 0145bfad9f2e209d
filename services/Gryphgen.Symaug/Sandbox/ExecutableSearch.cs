namespace Gryphgen.Symaug.Sandbox;

/// <summary>Whether a program name resolves on SYMAUG's PATH, as the shell would find it.</summary>
public static class ExecutableSearch
{
    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, name))
        .Any(file => File.Exists(file) && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
