using Gryphgen.Contracts;

namespace Gryphgen.Symorg.Tests;

/// <summary>With its Redis down, SYMORG still ingests, searches and builds context, and says its cache is degraded.</summary>
[Collection("symorg-without-redis")]
public sealed class CacheOutageTests(SymorgWithoutRedisHost host)
{
    [Fact]
    public async Task Ingest_search_and_context_work_while_Redis_is_down()
    {
        var ingested = await host.IngestSampleRepositoryAsync("no-cache");
        var hits = await host.Knowledge.SearchAsync(new SearchRequest { Collection = "no-cache", Query = "ParseWidgetConfig", Mode = SearchMode.Hybrid });
        var context = await host.Knowledge.BuildContextAsync(new BuildContextRequest { Description = "parse the widget configuration", Collections = { "no-cache" } });

        Assert.True(ingested.ChunksWritten > 0);
        Assert.NotEmpty(hits.Hits);
        Assert.True(context.Tokens > 0);
    }

    [Fact]
    public async Task Status_shows_the_embedding_cache_degraded_and_SYMORG_healthy()
    {
        await host.IngestSampleRepositoryAsync("status-probe"); // embedding meets the cache
        using var channel = host.OpenChannel(Testing.GridProcesses.InternalCredential);
        var described = await new ComponentInfo.ComponentInfoClient(channel).DescribeAsync(new DescribeRequest());

        var cache = described.Components.Single(c => c.Name == "symorg/embedding-cache");
        Assert.False(cache.Healthy);
        Assert.False(cache.Required);
        Assert.StartsWith("degraded", cache.Detail);
        Assert.True(described.Components.Single(c => c.Name == "symorg").Healthy);
    }
}
