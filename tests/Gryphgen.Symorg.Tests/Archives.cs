using System.Formats.Tar;
using System.IO.Compression;
using Google.Protobuf;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Uploads;

namespace Gryphgen.Symorg.Tests;

/// <summary>Builds archives of a folder and uploads them in parts, as the CLI does.</summary>
public static class Archives
{
    public static byte[] Of(string folder, string format)
    {
        using var bytes = new MemoryStream();
        if (format == "zip")
        {
            ZipFile.CreateFromDirectory(folder, bytes);
        }
        else
        {
            UploadArchive.WriteTarGz(folder, bytes);
        }
        return bytes.ToArray();
    }

    public static byte[] TarGz(Action<TarWriter> write)
    {
        using var bytes = new MemoryStream();
        using (var gzip = new GZipStream(bytes, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            write(tar);
        }
        return bytes.ToArray();
    }

    public static async Task<IngestReply> UploadAsync(Knowledge.KnowledgeClient client, string collection, string source, byte[] archive)
    {
        using var call = client.IngestArchive();
        await call.RequestStream.WriteAsync(new ArchivePart { Header = new ArchiveHeader { Collection = collection, Source = source } });
        foreach (var part in archive.Chunk(16 * 1024))
        {
            await call.RequestStream.WriteAsync(new ArchivePart { Data = ByteString.CopyFrom(part) });
        }
        await call.RequestStream.CompleteAsync();
        return await call;
    }
}
