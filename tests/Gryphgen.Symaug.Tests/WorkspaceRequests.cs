using System.Formats.Tar;
using System.IO.Compression;
using Google.Protobuf;
using Grpc.Core;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Tests;

/// <summary>Short ways to say the requests the tests send.</summary>
public static class WorkspaceRequests
{
    public static FileContent File(string path, string content) => new() { Path = path, Content = ByteString.CopyFromUtf8(content) };

    /// <summary>A new workspace with one protected seed file, <c>tests/test_app.py</c>.</summary>
    public static async Task<string> NewWorkspaceAsync(this Contracts.Workspaces.WorkspacesClient client, string taskId) =>
        (await client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = taskId, SeedFiles = { File("tests/test_app.py", "def test_app(): pass\n") },
        })).WorkspaceId;

    /// <summary>One entry of an export: its type, its link target for a link, its text for a file.</summary>
    public sealed record ExportedEntry(TarEntryType Type, string LinkName, string Content);

    /// <summary>The workspace's export, read back entry by entry.</summary>
    public static async Task<IReadOnlyDictionary<string, ExportedEntry>> ExportAsync(this Contracts.Workspaces.WorkspacesClient client, string workspaceId)
    {
        using var archive = new MemoryStream();
        using var call = client.Export(new WorkspaceRef { WorkspaceId = workspaceId });
        await foreach (var chunk in call.ResponseStream.ReadAllAsync()) chunk.Data.WriteTo(archive);
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

    public static RunRequest Shell(string workspaceId, string script, int timeLimitMs = 20_000, long outputLimitBytes = 0) => new()
    {
        WorkspaceId = workspaceId, Command = { "/bin/bash", "-c", script },
        Limits = new RunLimits { TimeLimitMs = timeLimitMs, OutputLimitBytes = outputLimitBytes },
    };
}
