using System.Formats.Tar;
using System.IO.Compression;
using Grpc.Core;

namespace Gryphgen.Symorg.Ingestion;

/// <summary>
/// Unpacks an uploaded .tar.gz or .zip (told apart by their first bytes) into a folder. Only regular files and
/// folders come out; links, devices and entries that would land outside the folder make the archive bad, and the
/// unpacked size is capped, so a hostile archive can neither escape nor fill the disk.
/// </summary>
public static class ArchiveUnpacker
{
    public static async Task UnpackAsync(string archive, string destination, long maxUnpackedBytes, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(archive);
            Span<byte> magic = stackalloc byte[4];
            var read = file.Read(magic);
            file.Position = 0;
            if (read >= 2 && magic[0] == 0x1F && magic[1] == 0x8B) await UnpackTarGzAsync(file, destination, maxUnpackedBytes, cancellationToken);
            else if (read == 4 && magic[0] == 'P' && magic[1] == 'K') await UnpackZipAsync(file, destination, maxUnpackedBytes, cancellationToken);
            else throw Bad("it is neither a .tar.gz nor a .zip");
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Bad(ex.Message);
        }
    }

    private static async Task UnpackTarGzAsync(Stream file, string destination, long maxBytes, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        long total = 0;
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes) continue;
            var target = Target(destination, entry.Name);
            if (entry.EntryType == TarEntryType.Directory)
            {
                Directory.CreateDirectory(target);
                continue;
            }
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                throw Bad($"'{entry.Name}' is a {entry.EntryType}, and only files and folders are accepted");
            total += entry.Length;
            if (total > maxBytes) throw Bad($"it unpacks to more than {maxBytes} bytes");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using var output = File.Create(target);
            if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(output, cancellationToken);
        }
    }

    private static async Task UnpackZipAsync(Stream file, string destination, long maxBytes, CancellationToken cancellationToken)
    {
        await using var zip = new ZipArchive(file, ZipArchiveMode.Read);
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            var target = Target(destination, entry.FullName);
            if (entry.FullName.EndsWith('/'))
            {
                Directory.CreateDirectory(target);
                continue;
            }
            // The Unix file type sits in the top bits of the external attributes; 0 (made on Windows) is a file.
            var unixType = (entry.ExternalAttributes >> 16) & 0xF000;
            if (unixType is not (0 or 0x8000)) throw Bad($"'{entry.FullName}' is not a regular file");
            total += entry.Length;
            if (total > maxBytes) throw Bad($"it unpacks to more than {maxBytes} bytes");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using var input = await entry.OpenAsync(cancellationToken);
            await using var output = File.Create(target);
            await CopyAtMostAsync(input, output, entry.Length, cancellationToken);
        }
    }

    /// <summary>A zip entry's declared length is the attacker's word; stop at it rather than trust the stream.</summary>
    private static async Task CopyAtMostAsync(Stream input, Stream output, long length, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long copied = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            copied += read;
            if (copied > length) throw Bad("an entry is longer than it declares");
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static string Target(string destination, string name)
    {
        var root = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        var target = Path.GetFullPath(Path.Combine(root, name));
        if (Path.IsPathRooted(name) || !target.StartsWith(root, StringComparison.Ordinal) && target + Path.DirectorySeparatorChar != root)
            throw Bad($"the entry '{name}' would land outside the archive's folder");
        return target;
    }

    private static KnowledgeException Bad(string why) => new(StatusCode.InvalidArgument, $"bad archive: {why}");
}
