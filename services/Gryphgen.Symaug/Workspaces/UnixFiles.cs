using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>What a path is, seen without following it.</summary>
public enum FileKind { Missing, RegularFile, Directory, SymbolicLink, Special }

/// <summary>What a path is, seen without following it, and how many names (hard links) its file has.</summary>
public readonly record struct FileStatus(FileKind Kind, uint Links, long Size = 0)
{
    /// <summary>
    /// A regular file with one name. Any other name of it could be a host file the sandbox linked to (on the same file
    /// system, it needs no permission but ownership or read-write access), so SYMAUG reads, writes and lists only these.
    /// </summary>
    public bool IsOnlyName => Kind == FileKind.RegularFile && Links == 1;
}

/// <summary>
/// The two file-system questions .NET does not answer: what kind of file a path is without following a symlink
/// or opening it (opening a FIFO blocks), and handing a file to the sandbox user without following a symlink.
/// </summary>
internal static partial class UnixFiles
{
    private const int AtCurrentDirectory = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxLinks = 0x4, StatxUid = 0x8, StatxSize = 0x200;
    private const int StatxBufferSize = 256, StatxLinksOffset = 16, StatxUidOffset = 20, StatxModeOffset = 28, StatxSizeOffset = 40;

    public static FileKind KindOf(string path) => StatusOf(path).Kind;

    public static FileStatus StatusOf(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxBufferSize];
        if (statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType | StatxLinks | StatxSize, buffer) != 0) return new(FileKind.Missing, 0);
        var kind = (BinaryPrimitives.ReadUInt16LittleEndian(buffer[StatxModeOffset..]) & 0xF000) switch
        {
            0x8000 => FileKind.RegularFile,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Special,
        };
        return new(kind, BinaryPrimitives.ReadUInt32LittleEndian(buffer[StatxLinksOffset..]), BinaryPrimitives.ReadInt64LittleEndian(buffer[StatxSizeOffset..]));
    }

    /// <summary>The uid that owns <paramref name="path"/> itself (never a link's target).</summary>
    public static int OwnerOf(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxBufferSize];
        if (statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxUid, buffer) != 0)
        {
            throw new IOException($"cannot see who owns {path}: errno {Marshal.GetLastPInvokeError()}");
        }
        return (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer[StatxUidOffset..]);
    }

    /// <summary>
    /// Every entry below <paramref name="root"/>, each folder's entries in ordinal order and before their contents;
    /// a symlink is an entry, never followed or descended into.
    /// </summary>
    public static IEnumerable<(string Path, FileStatus Status)> Walk(string root)
    {
        var folders = new Stack<string>([root]);
        while (folders.TryPop(out var folder))
        {
            var entries = Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal)
                .Select(entry => (Path: entry, Status: StatusOf(entry))).ToList();
            foreach (var entry in entries) yield return entry;
            foreach (var entry in Enumerable.Reverse(entries).Where(e => e.Status.Kind == FileKind.Directory)) folders.Push(entry.Path);
        }
    }

    /// <summary>Makes <paramref name="uid"/> the owner of <paramref name="path"/> itself (never a link's target).</summary>
    public static void GiveTo(string path, int uid)
    {
        if (lchown(path, uid, uid) != 0)
        {
            throw new IOException($"cannot hand {path} to uid {uid}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int statx(int directory, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int lchown(string path, int owner, int group);
}
