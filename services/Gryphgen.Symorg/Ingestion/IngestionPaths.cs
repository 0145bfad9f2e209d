using System.Text.RegularExpressions;
using Grpc.Core;

namespace Gryphgen.Symorg.Ingestion;

/// <summary>Checks the paths and source labels callers hand to ingestion.</summary>
public static partial class IngestionPaths
{
    /// <summary>An absolute path that exists under one of the allowed roots, resolved (no '..', no links out).</summary>
    public static string Resolve(string path, IReadOnlyList<string> allowedRoots)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            throw new KnowledgeException(StatusCode.InvalidArgument, $"'{path}' is not an absolute path on SYMORG's machine");
        if (allowedRoots.Count == 0)
            throw new KnowledgeException(StatusCode.PermissionDenied,
                "ingestion from SYMORG's disk is off (set Symorg:AllowedRoots); upload an archive instead (gryphgen kb ingest does)");
        var full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new KnowledgeException(StatusCode.NotFound, $"'{path}' does not exist on SYMORG's machine");
        var real = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        if (!allowedRoots.Any(root => IsUnder(real, Path.GetFullPath(root))))
            throw new KnowledgeException(StatusCode.PermissionDenied, $"'{path}' is outside the folders SYMORG may read (Symorg:AllowedRoots)");
        return real;
    }

    public static void ValidateSource(string source)
    {
        if (!ValidSource().IsMatch(source) || source is "." or "..")
            throw new KnowledgeException(StatusCode.InvalidArgument,
                $"'{source}' is not a source label: use 1-100 letters, digits, '.', '-' or '_'");
    }

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex ValidSource();
}
