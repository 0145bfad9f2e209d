using MAB.DotIgnore;

namespace Gryphgen.Symorg.Ingestion;

/// <summary>
/// The files of a folder or git working tree that are worth ingesting: it honours every <c>.gitignore</c> on the way
/// down (each relative to its own folder), and leaves out <c>.git</c> and symbolic links, which could point anywhere.
/// </summary>
public static class SourceTree
{
    public static IEnumerable<SourceFile> Walk(string root)
    {
        if (File.Exists(root))
        {
            yield return new SourceFile(Path.GetFileName(root), root);
            yield break;
        }
        foreach (var file in Walk(new DirectoryInfo(root), "", []))
        {
            yield return file;
        }
    }

    private static IEnumerable<SourceFile> Walk(DirectoryInfo directory, string relative, IReadOnlyList<(string Base, IgnoreList Rules)> ignores)
    {
        var gitignore = Path.Combine(directory.FullName, ".gitignore");
        if (File.Exists(gitignore)) ignores = [.. ignores, (relative, new IgnoreList(gitignore))];

        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.LinkTarget is not null || entry.Name == ".git") continue;
            var path = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
            var isDirectory = entry is DirectoryInfo;
            if (ignores.Any(i => i.Rules.IsIgnored(path[(i.Base.Length == 0 ? 0 : i.Base.Length + 1)..], isDirectory))) continue;
            if (entry is DirectoryInfo sub)
            {
                foreach (var file in Walk(sub, path, ignores)) yield return file;
            }
            else if (entry is FileInfo { Attributes: var attributes } && !attributes.HasFlag(FileAttributes.Device))
            {
                yield return new SourceFile(path, entry.FullName);
            }
        }
    }
}
