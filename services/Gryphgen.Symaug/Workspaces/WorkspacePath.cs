namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// A path as callers give it, checked to name something inside the workspace: relative, '/'-separated, no NUL,
/// no empty, '.' or '..' segment, nothing under '.git'. Symlinks are checked on disk, where they are
/// (<see cref="WorkspaceFiles"/>).
/// </summary>
public static class WorkspacePath
{
    private const int MaxSegmentLength = 255;

    /// <summary>The path if it is acceptable, else a <see cref="WorkspaceInputException"/> that says why not.</summary>
    public static string Normalize(string path, int maxLength)
    {
        string Reject(string why) => throw new WorkspaceInputException($"path \"{Printable(path)}\" rejected: {why}");

        if (string.IsNullOrEmpty(path)) Reject("it is empty");
        if (path.Contains('\0')) Reject("it contains a NUL character");
        if (path.Length > maxLength) Reject($"it is longer than {maxLength} characters");
        if (path.StartsWith('/')) Reject("it is absolute; paths are relative to the workspace");
        var segments = path.Split('/');
        if (segments.Any(s => s.Length == 0 || s == ".")) Reject("it has an empty or '.' segment");
        if (segments.Contains("..")) Reject("'..' would leave the workspace");
        if (segments.Any(s => s.Length > MaxSegmentLength)) Reject($"a name is longer than {MaxSegmentLength} characters");
        if (segments.Contains(".git")) Reject("'.git' is reserved for checkpoints");
        return path;
    }

    /// <summary>The path with control characters shown as escapes, safe to put in an error message.</summary>
    private static string Printable(string path) =>
        string.Concat(path.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
