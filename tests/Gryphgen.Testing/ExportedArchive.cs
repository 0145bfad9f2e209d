using System.Formats.Tar;
using System.IO.Compression;

namespace Gryphgen.Testing;

/// <summary>One entry of an exported archive: its type, its link target for a link, its text for a file.</summary>
public sealed record ExportedEntry(TarEntryType Type, string LinkName, string Content);

/// <summary>A workspace's or a task's export (a gzipped tar), read back entry by entry without unpacking it.</summary>
public static class ExportedArchive
{
    public static async Task<IReadOnlyDictionary<string, ExportedEntry>> ReadAsync(IAsyncEnumerable<Google.Protobuf.ByteString> chunks)
    {
        using var archive = new MemoryStream();
        await foreach (var chunk in chunks) chunk.WriteTo(archive);
        archive.Position = 0;
        var entries = new Dictionary<string, ExportedEntry>();
        await using var reader = new TarReader(new GZipStream(archive, CompressionMode.Decompress));
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            var content = entry.DataStream is null ? "" : await new StreamReader(entry.DataStream).ReadToEndAsync();
            entries[entry.Name] = new ExportedEntry(entry.EntryType, entry.LinkName, content);
        }
        return entries;
    }
}
