using System.Formats.Tar;
using Grpc.Core;
using Gryphgen.Contracts;

namespace Gryphgen.Symorg.Tests;

[Collection("symorg")]
public sealed class BadInputTests(SymorgHost host)
{
    [Theory]
    [InlineData("")]
    [InlineData("Has Space")]
    [InlineData("UPPER")]
    [InlineData("../escape")]
    [InlineData("-leading-dash")]
    [InlineData("name;drop table chunks")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public async Task Bad_collection_names_are_refused_everywhere(string name)
    {
        var path = host.NewSampleRepository();
        await AssertRefused(StatusCode.InvalidArgument, "collection name",
            () => host.Knowledge.IngestPathAsync(new IngestPathRequest { Collection = name, Path = path }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "collection name",
            () => host.Knowledge.SearchAsync(new SearchRequest { Collection = name, Query = "x" }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "collection name",
            () => host.Knowledge.CreateCollectionAsync(new CreateCollectionRequest { Name = name }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "collection name",
            () => Archives.UploadAsync(host.Knowledge, name, "src", Archives.Of(path, "zip")));
    }

    [Fact]
    public async Task Bad_paths_are_refused()
    {
        var outside = Directory.CreateTempSubdirectory("symorg-outside-").FullName;
        var link = Path.Combine(host.AllowedRoot, $"link-{Guid.NewGuid():n}");
        File.CreateSymbolicLink(link, outside);
        try
        {
            await AssertPath(StatusCode.InvalidArgument, "relative/path", "not an absolute path");
            await AssertPath(StatusCode.InvalidArgument, "", "not an absolute path");
            await AssertPath(StatusCode.NotFound, Path.Combine(host.AllowedRoot, "missing"), "does not exist");
            await AssertPath(StatusCode.PermissionDenied, outside, "outside the folders");
            await AssertPath(StatusCode.PermissionDenied, Path.Combine(host.AllowedRoot, "..", Path.GetFileName(outside)), "outside the folders");
            await AssertPath(StatusCode.PermissionDenied, link, "outside the folders");
            await AssertRefused(StatusCode.InvalidArgument, "source label", () => host.Knowledge.IngestPathAsync(
                new IngestPathRequest { Collection = "paths", Path = host.NewSampleRepository(), Source = "../up" }).ResponseAsync);
        }
        finally
        {
            File.Delete(link);
            Directory.Delete(outside);
        }
    }

    [Fact]
    public async Task Searching_an_unknown_collection_says_so()
    {
        await AssertRefused(StatusCode.NotFound, "does not exist",
            () => host.Knowledge.SearchAsync(new SearchRequest { Collection = "no-such-collection", Query = "x" }).ResponseAsync);
        await AssertRefused(StatusCode.NotFound, "does not exist",
            () => host.Knowledge.BuildContextAsync(new BuildContextRequest { Description = "x", Collections = { "no-such-collection" } }).ResponseAsync);
    }

    [Fact]
    public async Task Bad_search_and_context_requests_are_refused()
    {
        await host.Knowledge.CreateCollectionAsync(new CreateCollectionRequest { Name = "bad-requests" });
        await AssertRefused(StatusCode.InvalidArgument, "query is empty",
            () => host.Knowledge.SearchAsync(new SearchRequest { Collection = "bad-requests", Query = " " }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "limit",
            () => host.Knowledge.SearchAsync(new SearchRequest { Collection = "bad-requests", Query = "x", Limit = 1000 }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "token_budget",
            () => host.Knowledge.BuildContextAsync(new BuildContextRequest { Description = "x", TokenBudget = -1 }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "description or requirements",
            () => host.Knowledge.BuildContextAsync(new BuildContextRequest()).ResponseAsync);
        await AssertRefused(StatusCode.AlreadyExists, "already exists",
            () => host.Knowledge.CreateCollectionAsync(new CreateCollectionRequest { Name = "bad-requests" }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "not an http(s) URL",
            () => host.Knowledge.CreateCollectionAsync(new CreateCollectionRequest { Name = "bad-url", EmbeddingEndpoint = "file:///etc/passwd", EmbeddingModel = "m" }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "a summary, a failure or a fix",
            () => host.Knowledge.RecordLessonAsync(new RecordLessonRequest { TaskId = "t1" }).ResponseAsync);
        await AssertRefused(StatusCode.InvalidArgument, "source label",
            () => host.Knowledge.RecordLessonAsync(new RecordLessonRequest { TaskId = "../t1", Summary = "s" }).ResponseAsync);
    }

    public static TheoryData<string, byte[]> BadArchives => new()
    {
        { "neither a .tar.gz nor a .zip", "just some text, not an archive"u8.ToArray() },
        { "bad archive", Archives.TarGz(t => t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "noise.bin") { DataStream = new MemoryStream(System.Security.Cryptography.RandomNumberGenerator.GetBytes(100_000)) }))[..50_000] },
        { "outside the archive", Archives.TarGz(t => t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "../escape.txt") { DataStream = new MemoryStream("x"u8.ToArray()) })) },
        { "SymbolicLink", Archives.TarGz(t => t.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "passwd") { LinkName = "/etc/passwd" })) },
        { "unpacks to more than", Archives.TarGz(t => t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "zeros.txt") { DataStream = new MemoryStream(new byte[2 << 20]) })) },
    };

    [Theory]
    [MemberData(nameof(BadArchives))]
    public async Task Bad_archives_are_refused_and_create_nothing(string why, byte[] archive)
    {
        var collection = $"bad-archive-{Guid.NewGuid():n}"[..30];
        await AssertRefused(StatusCode.InvalidArgument, why, () => Archives.UploadAsync(host.Knowledge, collection, "src", archive));
        await AssertRefused(StatusCode.NotFound, "does not exist",
            () => host.Knowledge.SearchAsync(new SearchRequest { Collection = collection, Query = "x" }).ResponseAsync);
    }

    [Fact]
    public async Task An_archive_upload_without_a_header_or_over_the_size_limit_is_refused()
    {
        using (var call = host.Knowledge.IngestArchive())
        {
            await call.RequestStream.WriteAsync(new ArchivePart { Data = Google.Protobuf.ByteString.CopyFromUtf8("data") });
            await call.RequestStream.CompleteAsync();
            await AssertRefused(StatusCode.InvalidArgument, "header", () => call.ResponseAsync);
        }
        await AssertRefused(StatusCode.ResourceExhausted, "larger than",
            () => Archives.UploadAsync(host.Knowledge, "too-big", "src", new byte[(1 << 20) + 1]));
    }

    private Task AssertPath(StatusCode status, string path, string message) => AssertRefused(status, message,
        () => host.Knowledge.IngestPathAsync(new IngestPathRequest { Collection = "paths", Path = path }).ResponseAsync);

    private static async Task AssertRefused(StatusCode status, string message, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains(message, error.Status.Detail);
    }
}
