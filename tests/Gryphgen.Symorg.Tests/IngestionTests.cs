using Gryphgen.Contracts;
using Gryphgen.Testing;
using Npgsql;

namespace Gryphgen.Symorg.Tests;

[Collection("symorg")]
public sealed class IngestionTests(SymorgHost host)
{
    [Fact]
    public async Task A_folder_is_ingested_honouring_gitignore_and_skipping_what_is_not_text()
    {
        var reply = await host.IngestSampleRepositoryAsync("ingest-folder");

        Assert.Equal(4, reply.Added); // WidgetParser.cs, geometry.py, guide.md, .gitignore
        Assert.Equal(0, reply.Updated + reply.Unchanged + reply.Deleted);
        var skipped = reply.Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal("binary", skipped["repo/assets/logo.png"]);
        Assert.StartsWith("not valid UTF-8", skipped["repo/latin1.txt"]);
        Assert.StartsWith("too large", skipped["repo/huge.txt"]);
        Assert.Equal(3, skipped.Count);

        var documents = await SourceUrisAsync("ingest-folder");
        Assert.Equal(["repo/.gitignore", "repo/docs/guide.md", "repo/src/WidgetParser.cs", "repo/src/geometry.py"], documents);
        Assert.Equal(reply.ChunksWritten, await ScalarAsync<long>("SELECT count(*) FROM symorg.chunks c JOIN symorg.collections k ON k.id = c.collection_id WHERE k.name = 'ingest-folder'"));
    }

    [Fact]
    public async Task Re_ingesting_an_unchanged_folder_rewrites_nothing()
    {
        var path = host.NewSampleRepository();
        var request = new IngestPathRequest { Collection = "ingest-unchanged", Path = path, Source = "repo" };
        await host.Knowledge.IngestPathAsync(request);
        var before = await ChunkVersionsAsync("ingest-unchanged");

        var again = await host.Knowledge.IngestPathAsync(request);

        Assert.Equal((0, 0, 4, 0, 0), (again.Added, again.Updated, again.Unchanged, again.Deleted, again.ChunksWritten));
        Assert.Equal(before, await ChunkVersionsAsync("ingest-unchanged")); // same rows, same row versions (xmin)
    }

    [Fact]
    public async Task Changed_files_replace_their_chunks_and_deleted_files_lose_theirs()
    {
        var path = host.NewSampleRepository();
        var request = new IngestPathRequest { Collection = "ingest-changes", Path = path, Source = "repo" };
        await host.Knowledge.IngestPathAsync(request);
        SampleRepository.Write(path, "src/geometry.py", "def volume_of_sphere(radius):\n    \"Four thirds pi r cubed.\"\n    return 4 / 3 * 3.14159 * radius ** 3\n");
        File.Delete(Path.Combine(path, "docs/guide.md"));

        var reply = await host.Knowledge.IngestPathAsync(request);

        Assert.Equal((0, 1, 2, 1), (reply.Added, reply.Updated, reply.Unchanged, reply.Deleted));
        Assert.Equal(["repo/.gitignore", "repo/src/WidgetParser.cs", "repo/src/geometry.py"], await SourceUrisAsync("ingest-changes"));
        var geometry = await ScalarAsync<string>(
            "SELECT string_agg(c.text, '') FROM symorg.chunks c JOIN symorg.documents d ON d.id = c.document_id WHERE d.source_uri = 'repo/src/geometry.py' AND c.collection_id = (SELECT id FROM symorg.collections WHERE name = 'ingest-changes')");
        Assert.Contains("volume_of_sphere", geometry);
        Assert.DoesNotContain("area_of_circle", geometry);
        Assert.Equal(0L, await ScalarAsync<long>(
            "SELECT count(*) FROM symorg.chunks c LEFT JOIN symorg.documents d ON d.id = c.document_id WHERE d.id IS NULL"));
    }

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("zip")]
    public async Task An_uploaded_archive_is_ingested_like_the_folder_it_came_from(string format)
    {
        var archive = Archives.Of(host.NewSampleRepository(), format);

        var reply = await Archives.UploadAsync(host.Knowledge, $"archive-{format.Replace('.', '-')}", "upload", archive);

        Assert.Equal(["upload/.gitignore", "upload/docs/guide.md", "upload/src/WidgetParser.cs", "upload/src/geometry.py"],
            await SourceUrisAsync($"archive-{format.Replace('.', '-')}"));
        Assert.Equal(4, reply.Added);
        Assert.Equal(3, reply.Skipped.Count);
    }

    [Fact]
    public async Task Embeddings_are_cached_in_redis_by_model_and_text()
    {
        // An embedding endpoint of this test's own: it counts what the model is asked, and no earlier test has cached
        // anything under its address. Two collections with the same endpoint and model share the cached embeddings.
        await using var model = await ScriptedLlmServer.StartAsync("cached-embedder");
        foreach (var name in new[] { "ingest-cache", "ingest-cache-again" })
        {
            await host.Knowledge.CreateCollectionAsync(new CreateCollectionRequest
            {
                Name = name, EmbeddingEndpoint = new Uri(model.Url, "v1").ToString(), EmbeddingModel = model.ModelId,
            });
        }
        var path = host.NewSampleRepository();
        var before = model.EmbeddedTexts.Count; // creating a collection embeds a probe text, to learn the dimension

        var first = await host.Knowledge.IngestPathAsync(new IngestPathRequest { Collection = "ingest-cache", Path = path, Source = "repo" });
        var embedded = model.EmbeddedTexts.Count;
        var second = await host.Knowledge.IngestPathAsync(new IngestPathRequest { Collection = "ingest-cache-again", Path = path, Source = "repo" });

        Assert.Equal(4, first.Added);
        Assert.True(embedded - before >= first.ChunksWritten, $"{embedded - before} texts embedded for {first.ChunksWritten} chunks");
        Assert.Equal((4, first.ChunksWritten), (second.Added, second.ChunksWritten));
        Assert.Equal(embedded, model.EmbeddedTexts.Count); // the same texts again: every embedding read from the cache
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(host.Redis.ConnectionString);
        Assert.NotEmpty(redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "symorg:*"));
    }

    private async Task<List<string>> SourceUrisAsync(string collection)
    {
        await using var connection = await host.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(
            "SELECT d.source_uri FROM symorg.documents d JOIN symorg.collections k ON k.id = d.collection_id WHERE k.name = @name ORDER BY d.source_uri COLLATE \"C\"", connection);
        command.Parameters.AddWithValue("name", collection);
        await using var reader = await command.ExecuteReaderAsync();
        var uris = new List<string>();
        while (await reader.ReadAsync()) uris.Add(reader.GetString(0));
        return uris;
    }

    private async Task<string> ChunkVersionsAsync(string collection) => await ScalarAsync<string>(
        $"SELECT string_agg(c.id || ':' || c.xmin, ',' ORDER BY c.id) FROM symorg.chunks c JOIN symorg.collections k ON k.id = c.collection_id WHERE k.name = '{collection}'");

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await host.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
