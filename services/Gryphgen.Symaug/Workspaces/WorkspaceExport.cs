using System.Formats.Tar;
using System.IO.Compression;
using Google.Protobuf;
using Grpc.Core;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>What a workspace gives back: its files as a tar.gz, for an export or its archive.</summary>
public static class WorkspaceExport
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Folders, regular files with one name and symlinks (as links, never followed); no '.git', no FIFOs or devices,
    /// no hard-linked files (another of their names may be a host file). The seeds come from their pristine copy:
    /// the export's acceptance tests are the task's, never what a run left at their paths.
    /// </summary>
    public static async Task WriteAsync(string root, PristineSeeds seeds, IReadOnlySet<string> seedPaths, Stream destination,
        CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (entry, status) in UnixFiles.Walk(root))
        {
            var name = Path.GetRelativePath(root, entry);
            if (name.Split('/').Contains(".git") || !(status.IsOnlyName || status.Kind is FileKind.Directory or FileKind.SymbolicLink)) continue;
            await tar.WriteEntryAsync(seedPaths.Contains(name) ? seeds.Source(name) : entry, name, cancellationToken);
        }
    }

    /// <summary>Sends an archive to an Export call in chunks.</summary>
    public static async Task SendAsync(Stream archive, IServerStreamWriter<ExportChunk> destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkBytes];
        int read;
        while ((read = await archive.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0)
        {
            await destination.WriteAsync(new ExportChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken);
        }
    }
}
