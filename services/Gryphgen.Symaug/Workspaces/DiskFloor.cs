using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// The free space and inodes SYMAUG leaves on the file system of its workspace root (often PostgreSQL's, which stops
/// the whole system when its disk fills): below <see cref="WorkspaceOptions.MinFreeBytes"/> or
/// <see cref="WorkspaceOptions.MinFreeInodes"/> it runs nothing.
/// </summary>
public sealed partial class DiskFloor(IOptions<WorkspaceOptions> options)
{
    /// <summary>Why runs are refused now, or null while the disk is above the floor.</summary>
    public string? Breach()
    {
        var o = options.Value;
        var (bytes, inodes) = Free(o.Root);
        return bytes < o.MinFreeBytes ? $"only {bytes} bytes are free under {o.Root}, below Workspaces:MinFreeBytes ({o.MinFreeBytes})"
            : inodes < o.MinFreeInodes ? $"only {inodes} inodes are free under {o.Root}, below Workspaces:MinFreeInodes ({o.MinFreeInodes})"
            : null;
    }

    public void Check()
    {
        if (Breach() is { } breach) throw new DiskFullException($"SYMAUG runs nothing while the disk is this full: {breach}");
    }

    /// <summary>What an unprivileged user may still use (statvfs's f_bavail × f_frsize and f_favail).</summary>
    private static (long Bytes, long Inodes) Free(string path)
    {
        Directory.CreateDirectory(path);
        Span<ulong> fields = stackalloc ulong[StatvfsWords];
        if (statvfs(path, fields) != 0) throw new IOException($"statvfs {path}: errno {Marshal.GetLastPInvokeError()}");
        return ((long)(fields[Available] * fields[FragmentSize]), (long)fields[AvailableInodes]);
    }

    // struct statvfs on 64-bit Linux: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_favail, ... (112 bytes).
    private const int StatvfsWords = 14, FragmentSize = 1, Available = 4, AvailableInodes = 7;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int statvfs(string path, Span<ulong> buffer);
}
