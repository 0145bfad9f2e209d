using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>What a path is, seen without following it.</summary>
public enum FileKind { Missing, RegularFile, Directory, SymbolicLink, Special }

/// <summary>
/// The two file-system questions .NET does not answer: what kind of file a path is without following a symlink
/// or opening it (opening a FIFO blocks), and handing a file to the sandbox user without following a symlink.
/// </summary>
internal static partial class UnixFiles
{
    private const int AtCurrentDirectory = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256, StatxModeOffset = 28;

    public static FileKind KindOf(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType, buffer) != 0) return FileKind.Missing;
        return (BinaryPrimitives.ReadUInt16LittleEndian(buffer[StatxModeOffset..]) & 0xF000) switch
        {
            0x8000 => FileKind.RegularFile,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Special,
        };
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
