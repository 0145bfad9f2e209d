using System.Formats.Tar;
using System.IO.Compression;
using Gryphgen.Contracts;

namespace Gryphgen.Cli.Commands;

/// <summary>
/// Unpacks a task's project, a tar.gz of what generated code left in its workspace, into a new folder: whole or not
/// at all. It is unpacked into a folder beside the destination and moved into place only when complete. Folders and
/// regular files are written; a symlink is kept only if it stays inside the project without passing through another
/// link (links are made last, so no file is ever written through one); everything else is left out and reported.
/// </summary>
public static class ArtifactArchive
{
    /// <summary>Unpacks <paramref name="archive"/> to <paramref name="destination"/> (absent or empty); the files written.</summary>
    public static async Task<int> ExtractAsync(Stream archive, string destination, TextWriter leftOut, CancellationToken cancellationToken)
    {
        destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        var parent = Path.GetDirectoryName(destination) ?? throw new CliException($"'{destination}' has no parent folder");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(destination)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var files = 0;
            var links = new List<(string Name, string Target)>();
            await using (var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true))
            await using (var tar = new TarReader(gzip))
            {
                while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
                {
                    var name = entry.Name.TrimEnd('/');
                    var path = Path.GetFullPath(Path.Combine(staging, name));
                    if (path == staging) continue; // "./", the project folder itself
                    if (!IsInside(staging, path))
                    {
                        Report(leftOut, name, "it would be written outside the project");
                        continue;
                    }
                    switch (entry.EntryType)
                    {
                        case TarEntryType.Directory:
                            Directory.CreateDirectory(path);
                            break;
                        case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                            await entry.ExtractToFileAsync(path, overwrite: false, cancellationToken);
                            files++;
                            break;
                        case TarEntryType.SymbolicLink:
                            links.Add((Path.GetRelativePath(staging, path), entry.LinkName));
                            break;
                        default:
                            Report(leftOut, name, $"it is a {entry.EntryType} entry, not a folder, file or link");
                            break;
                    }
                }
            }
            var linkNames = links.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, target) in links)
            {
                if (LinkProblem(name, target, linkNames) is { } problem)
                {
                    Report(leftOut, $"{name} -> {target}", problem);
                    continue;
                }
                File.CreateSymbolicLink(Path.Combine(staging, name), target);
            }
            if (Directory.Exists(destination)) Directory.Delete(destination); // empty, as the command checked: a non-empty one throws
            Directory.Move(staging, destination);
            return files;
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Why a link must not be made: its target is absolute, leaves the project, or passes through a link (or the
    /// link's own folder does), where the folders the path names are not the ones it would reach.
    /// </summary>
    private static string? LinkProblem(string name, string target, IReadOnlySet<string> linkNames)
    {
        if (target.Length == 0 || Path.IsPathRooted(target)) return "its target is absolute";
        var folder = name.Split('/')[..^1];
        for (var i = 1; i <= folder.Length; i++)
        {
            if (linkNames.Contains(string.Join('/', folder[..i]))) return "it lies in a folder that is a link";
        }
        var resolved = new List<string>(folder);
        foreach (var segment in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".") continue;
            if (segment == "..")
            {
                if (resolved.Count == 0) return "its target leaves the project";
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            resolved.Add(segment);
            if (linkNames.Contains(string.Join('/', resolved))) return "its target is or passes through another link";
        }
        return null;
    }

    private static bool IsInside(string root, string path) => path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void Report(TextWriter leftOut, string entry, string why) =>
        leftOut.WriteLine($"gryphgen: left out '{PrintableText.Line(entry)}': {why}");
}
