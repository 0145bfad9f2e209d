namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// How much of the disk one workspace's files may take: bytes (of regular files) and files (every entry: files,
/// folders, links, specials, since each takes an inode). Checked before each write, during each run and after it.
/// </summary>
public sealed record WorkspaceQuota(long Bytes, long Files)
{
    /// <summary>What the quota is exceeded by, were <paramref name="addedBytes"/> and <paramref name="addedFiles"/> added to the folder; null if nothing.</summary>
    public string? Exceeded(string root, long addedBytes = 0, long addedFiles = 0)
    {
        long bytes = addedBytes, files = addedFiles;
        // Stops as soon as it is over, so that a run that made millions of files costs no more than the quota to check.
        foreach (var (_, status) in UnixFiles.Walk(root))
        {
            files++;
            if (status.Kind == FileKind.RegularFile) bytes += status.Size;
            if (files > Files) return $"the workspace holds more than {Files} files (Workspaces:QuotaFiles)";
            if (bytes > Bytes) return $"the workspace holds more than {Bytes} bytes (Workspaces:QuotaBytes)";
        }
        return files > Files ? $"the workspace would hold {files} files, over {Files} (Workspaces:QuotaFiles)"
            : bytes > Bytes ? $"the workspace would hold {bytes} bytes, over {Bytes} (Workspaces:QuotaBytes)"
            : null;
    }
}
