namespace Gryphgen.Agents.Roles;

/// <summary>What makes a path a model wrote safe to write under a workspace: relative, and never leaving it.</summary>
public static class WorkspacePath
{
    /// <summary>Null for a good path; otherwise what is wrong with it, worded to follow the path.</summary>
    public static string? Problem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is empty";
        if (path.Any(char.IsControl)) return "contains control characters";
        if (path[0] is '/' or '\\' || path.Contains(':') || path.StartsWith('~')) return "must be relative to the workspace";
        var segments = path.Split('/', '\\');
        if (segments.Any(s => s == "..")) return "must not leave the workspace ('..')";
        if (segments[^1].Length == 0) return "names a folder, not a file";
        return null;
    }

    /// <summary>The same file however the model spelled it: forward slashes, no "." or empty segments.</summary>
    public static string Normalize(string path) =>
        string.Join('/', path.Split('/', '\\').Where(s => s is not ("" or ".")));
}
