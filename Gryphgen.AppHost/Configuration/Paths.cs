namespace Gryphgen.AppHost.Configuration;

/// <summary>Expands <c>~</c> in configured paths, as a shell would.</summary>
public static class Paths
{
    public static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public static string Expand(string path) =>
        path == "~" ? Home
        : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home, path[2..])
        : Path.GetFullPath(path);
}
