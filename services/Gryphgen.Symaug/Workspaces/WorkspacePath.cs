using Gryphgen.Contracts;
using Gryphgen.Contracts.Paths;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// A path as callers give it, checked against <see cref="WorkspacePathRules"/>. Symlinks are checked on disk, where
/// they are (<see cref="WorkspaceFiles"/>).
/// </summary>
public static class WorkspacePath
{
    /// <summary>The path if it is acceptable, else a <see cref="WorkspaceInputException"/> that says why not.</summary>
    public static string Normalize(string path, int maxLength) =>
        WorkspacePathRules.Problem(path, maxLength) is { } problem
            ? throw new WorkspaceInputException($"path \"{PrintableText.Line(path)}\" rejected: {problem}")
            : path;
}
