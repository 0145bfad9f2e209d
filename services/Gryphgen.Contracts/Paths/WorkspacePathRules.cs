namespace Gryphgen.Contracts.Paths;

/// <summary>
/// What a path inside a workspace may look like: relative, '/'-separated, no NUL, no empty, '.' or '..' segment,
/// nothing under '.git'. SYMAUG enforces it on every write; SYMORQ checks a task's files with it at submit time so
/// that a bad task is refused before any work starts.
/// </summary>
public static class WorkspacePathRules
{
    public const int MaxSegmentLength = 255;

    /// <summary>Null for an acceptable path, else why it is not (worded to follow "path ... rejected:").</summary>
    public static string? Problem(string path, int maxLength)
    {
        if (string.IsNullOrEmpty(path)) return "it is empty";
        if (path.Contains('\0')) return "it contains a NUL character";
        if (path.Length > maxLength) return $"it is longer than {maxLength} characters";
        if (path.StartsWith('/')) return "it is absolute; paths are relative to the workspace";
        var segments = path.Split('/');
        if (segments.Any(s => s.Length == 0 || s == ".")) return "it has an empty or '.' segment";
        if (segments.Contains("..")) return "'..' would leave the workspace";
        if (segments.Any(s => s.Length > MaxSegmentLength)) return $"a name is longer than {MaxSegmentLength} characters";
        if (segments.Contains(".git")) return "'.git' is reserved for checkpoints";
        return null;
    }
}
