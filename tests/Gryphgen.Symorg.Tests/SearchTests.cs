using Gryphgen.Contracts;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Ingestion;
using Gryphgen.Symorg.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pgvector;

namespace Gryphgen.Symorg.Tests;

[Collection("symorg")]
public sealed class SearchTests(SymorgHost host) : IAsyncLifetime
{
    private const string Collection = "search";

    public Task InitializeAsync() => host.IngestSampleRepositoryAsync(Collection);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Hybrid_search_finds_code_by_meaning()
    {
        var hits = await SearchAsync("how big is the surface of a round disc", SearchMode.Hybrid);

        Assert.Equal("repo/src/geometry.py", hits[0].SourceUri);
        Assert.Contains("area_of_circle", hits[0].Text);
        Assert.True(hits[0].StartLine >= 1 && hits[0].EndLine >= hits[0].StartLine);
        Assert.Contains("area_of_circle()", hits[0].Header);
    }

    [Fact]
    public async Task Hybrid_search_finds_code_by_exact_identifier()
    {
        var hits = await SearchAsync("ParseWidgetConfig", SearchMode.Hybrid);

        Assert.Equal("repo/src/WidgetParser.cs", hits[0].SourceUri);
        Assert.Contains("ParseWidgetConfig", hits[0].Text);
        Assert.Contains("class WidgetParser", hits[0].Header);
    }

    [Fact]
    public async Task Full_text_alone_misses_a_question_in_other_words_that_vectors_answer()
    {
        var words = await SearchAsync("reverse proxy rollout without dropped requests", SearchMode.FullText);
        var meaning = await SearchAsync("how do I ship this safely to live servers", SearchMode.Vector);

        Assert.Equal("repo/docs/guide.md", words[0].SourceUri);
        Assert.Equal("repo/docs/guide.md", meaning[0].SourceUri);
        Assert.Empty(await SearchAsync("xylophone", SearchMode.FullText));
    }

    [Fact]
    public async Task Filters_narrow_hits_by_language_and_path_prefix()
    {
        var python = await SearchAsync("configuration", SearchMode.Hybrid, language: "python");
        var docs = await SearchAsync("configuration", SearchMode.Hybrid, pathPrefix: "repo/docs/");

        Assert.NotEmpty(python);
        Assert.All(python, h => Assert.Equal("python", h.Language));
        Assert.NotEmpty(docs);
        Assert.All(docs, h => Assert.StartsWith("repo/docs/", h.SourceUri));
    }

    [Fact]
    public async Task Vector_search_uses_the_collections_hnsw_index()
    {
        // Enough rows that the planner would rather not scan them all, written through the ingestion's own writer.
        await using var scope = host.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<CollectionRegistry>();
        var collection = await registry.CreateAsync("explain", endpoint: null, model: null, CancellationToken.None);
        var random = new Random(7);
        var chunks = Enumerable.Range(0, 3000).Select(i => new Chunking.TextChunk("explain", $"chunk {i}", i + 1, i + 1)).ToList();
        var vectors = chunks.Select(_ => new Vector(Enumerable.Range(0, 384).Select(_ => (float)random.NextDouble() - 0.5f).ToArray())).ToList();
        await scope.ServiceProvider.GetRequiredService<DocumentWriter>().WriteAsync(collection,
            new PreparedDocument("bulk/rows.txt", "hash", "text", false, chunks, new Dictionary<string, string>()), vectors, CancellationToken.None);

        await using var connection = await host.OpenDatabaseAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE symorg.chunks; ANALYZE symorg.documents", connection)) await analyze.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + HybridSearch.ByMeaningSql(collection, SearchFilter.None, 30), connection);
        explain.Parameters.AddWithValue("query", vectors[0].ToString());
        var plan = string.Join('\n', await ReadLinesAsync(explain));
        Assert.True(plan.Contains($"Index Scan using {CollectionVectorIndex.Name(collection)}"), plan);
    }

    private async Task<List<SearchHit>> SearchAsync(string query, SearchMode mode, string language = "", string pathPrefix = "") =>
        (await host.Knowledge.SearchAsync(new SearchRequest
        {
            Collection = Collection, Query = query, Mode = mode, Language = language, PathPrefix = pathPrefix, Limit = 5,
        })).Hits.ToList();

    private static async Task<List<string>> ReadLinesAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return lines;
    }
}
