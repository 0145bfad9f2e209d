using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Grid.Endpoints;
using Gryphgen.Symorq.Status;
using Gryphgen.Testing;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Tests;

public sealed class LlmGridProbeTests
{
    private static LlmGridProbe Probe(params LlmEndpointOptions[] endpoints) =>
        new(new EndpointRegistry(Options.Create(new GridOptions { Endpoints = [.. endpoints] }), TimeProvider.System),
            new LlmEndpointProbe(new HttpClient()));

    [Fact]
    public async Task With_no_endpoint_the_grid_says_so_and_how_to_add_one_without_failing_the_system()
    {
        var row = Assert.Single(await Probe().ProbeAsync(CancellationToken.None));

        Assert.Equal("llm-grid", row.Name);
        Assert.False(row.Healthy);
        Assert.False(row.Required);
        Assert.Contains("no LLM endpoint is configured", row.Detail);
        Assert.Contains("Gryphgen:Llm:Model", row.Detail);
        Assert.Contains("Gryphgen:Llm:Endpoints", row.Detail);
    }

    [Fact]
    public async Task The_grid_is_down_when_no_endpoint_answers_and_each_endpoint_is_listed()
    {
        var rows = await Probe(new LlmEndpointOptions { Name = "gone", Url = $"http://127.0.0.1:{FreePort.Next()}" })
            .ProbeAsync(CancellationToken.None);

        Assert.Equal(["llm-grid", "llm/gone"], rows.Select(r => r.Name));
        Assert.False(rows[0].Healthy);
        Assert.True(rows[0].Required);
        Assert.Equal("0 of 1 endpoint(s) answering", rows[0].Detail);
    }
}
