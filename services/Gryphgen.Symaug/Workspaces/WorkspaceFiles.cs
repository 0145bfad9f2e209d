using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// Reads and writes a workspace's files for the API, never through a symlink and never to anything but a regular
/// file: generated code may have left links to /etc or FIFOs there, and SYMAUG (often root) must not follow them.
/// A write batch is checked whole before anything is written.
/// </summary>
public sealed class WorkspaceFiles(string root, WorkspaceOptions limits, int? sandboxUid)
{
    /// <summary>Writes a batch: all of it, or (bad input) none of it.</summary>
    public int Write(IReadOnlyCollection<FileContent> files, IReadOnlySet<string> protectedPaths)
    {
        var checkedFiles = files.Select(f => (Path: CheckForWrite(f, protectedPaths), f.Content)).ToList();
        var duplicate = checkedFiles.GroupBy(f => f.Path).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new WorkspaceInputException($"path \"{duplicate.Key}\" appears twice in one batch");
        var existing = checkedFiles.Select(f => UnixFiles.StatusOf(FullPath(f.Path))).ToList();
        var newFiles = existing.Count(s => s.Kind == FileKind.Missing);
        // The disk quota first: a workspace a run filled is out of room, whatever the batch.
        var addedBytes = checkedFiles.Sum(f => (long)f.Content.Length) - existing.Sum(s => s.Size);
        if (limits.Quota.Exceeded(root, addedBytes, newFiles) is { } over) throw new WorkspaceCapacityException($"write refused: {over}");
        var total = List().Count + newFiles;
        if (total > limits.MaxFiles)
        {
            throw new WorkspaceInputException($"the workspace would hold {total} files; at most {limits.MaxFiles} are allowed");
        }

        foreach (var (path, content) in checkedFiles)
        {
            CreateFolders(path);
            var full = FullPath(path);
            File.WriteAllBytes(full, content.ToByteArray());
            if (sandboxUid is { } uid) UnixFiles.GiveTo(full, uid);
        }
        return checkedFiles.Count;
    }

    public byte[] Read(string path)
    {
        var full = FullPath(CheckExisting(WorkspacePath.Normalize(path, limits.MaxPathLength)));
        var status = UnixFiles.StatusOf(full);
        if (status.Kind == FileKind.Missing) throw new WorkspaceNotFoundException($"no file \"{path}\" in the workspace");
        RefuseUnlessOnlyName(path, status);
        var length = new FileInfo(full).Length;
        if (length > limits.MaxFileBytes)
        {
            throw new WorkspaceInputException($"\"{path}\" has {length} bytes, over the {limits.MaxFileBytes}-byte limit; export the workspace instead");
        }
        return File.ReadAllBytes(full);
    }

    /// <summary>The most <see cref="ReadText"/> returns at once: gRPC refuses messages over 4 MB.</summary>
    public const long MaxTextReplyBytes = 3 << 20;

    /// <summary>
    /// The text files (no NUL byte) of at most <paramref name="maxFileBytes"/>, in path order, until
    /// <paramref name="maxTotalBytes"/>; how many regular files were left out.
    /// </summary>
    public (IReadOnlyList<(string Path, byte[] Content)> Files, int LeftOut) ReadText(long maxFileBytes, long maxTotalBytes)
    {
        var listed = List();
        var files = new List<(string, byte[])>();
        long total = 0;
        foreach (var (path, size) in listed.Where(f => f.Size <= maxFileBytes))
        {
            if (total + size > maxTotalBytes) break;
            var content = File.ReadAllBytes(FullPath(path));
            if (content.AsSpan().Contains((byte)0)) continue;
            files.Add((path, content));
            total += content.Length;
        }
        return (files, listed.Count - files.Count);
    }

    /// <summary>
    /// Every regular file with one name, by relative path; links, hard-linked files and special files are not
    /// followed or listed.
    /// </summary>
    public IReadOnlyList<(string Path, long Size)> List() =>
    [
        .. UnixFiles.Walk(root).Where(e => e.Status.IsOnlyName)
            .Select(e => (Path.GetRelativePath(root, e.Path), new FileInfo(e.Path).Length))
            .OrderBy(f => f.Item1, StringComparer.Ordinal),
    ];

    /// <summary>
    /// Hands the new workspace's tree but the protected files to the sandbox user (the seeds were written as root).
    /// Only at creation, before any code ran: restores run as the sandbox user and need no chown.
    /// </summary>
    public void GiveToSandbox(IReadOnlySet<string> protectedPaths)
    {
        if (sandboxUid is not { } uid) return;
        UnixFiles.GiveTo(root, uid);
        foreach (var (entry, _) in UnixFiles.Walk(root))
        {
            if (!protectedPaths.Contains(Path.GetRelativePath(root, entry))) UnixFiles.GiveTo(entry, uid);
        }
    }

    private string CheckForWrite(FileContent file, IReadOnlySet<string> protectedPaths)
    {
        var path = CheckExisting(WorkspacePath.Normalize(file.Path, limits.MaxPathLength));
        if (protectedPaths.Contains(path)) throw new WorkspaceInputException($"\"{path}\" is protected (a seed file of the task)");
        if (file.Content.Length > limits.MaxFileBytes)
        {
            throw new WorkspaceInputException($"\"{path}\" has {file.Content.Length} bytes, over the {limits.MaxFileBytes}-byte limit");
        }
        var status = UnixFiles.StatusOf(FullPath(path));
        if (status.Kind != FileKind.Missing) RefuseUnlessOnlyName(path, status);
        return path;
    }

    private static void RefuseUnlessOnlyName(string path, FileStatus status)
    {
        if (status.Kind != FileKind.RegularFile) throw new WorkspaceInputException($"\"{path}\" is not a regular file ({status.Kind})");
        if (!status.IsOnlyName) throw new WorkspaceInputException($"\"{path}\" has {status.Links} hard links: it may be another file's name");
    }

    /// <summary>Refuses a path whose existing folders include a symlink or something that is not a folder.</summary>
    private string CheckExisting(string path)
    {
        var segments = path.Split('/');
        var current = root;
        foreach (var segment in segments[..^1])
        {
            current = Path.Combine(current, segment);
            var kind = UnixFiles.KindOf(current);
            if (kind == FileKind.Missing) break;
            if (kind == FileKind.SymbolicLink) throw new WorkspaceInputException($"\"{path}\" goes through the symlink \"{Path.GetRelativePath(root, current)}\"");
            if (kind != FileKind.Directory) throw new WorkspaceInputException($"\"{path}\": \"{Path.GetRelativePath(root, current)}\" is not a folder");
        }
        return path;
    }

    private void CreateFolders(string path)
    {
        var current = root;
        foreach (var segment in path.Split('/')[..^1])
        {
            current = Path.Combine(current, segment);
            if (UnixFiles.KindOf(current) == FileKind.Directory) continue;
            Directory.CreateDirectory(current);
            if (sandboxUid is { } uid) UnixFiles.GiveTo(current, uid);
        }
    }

    private string FullPath(string path) => Path.Combine(root, path);
}
