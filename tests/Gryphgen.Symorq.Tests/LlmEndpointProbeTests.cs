using Gryphgen.Contracts.Llm;
using Gryphgen.Symorq.Grid.Endpoints;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>The endpoint probe against a real llama-server (tiny model) and against nothing at all.</summary>
public sealed class LlmEndpointProbeTests : IAsyncLifetime
{
    private LlamaServerProcess _llama = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _llama = await LlamaServerProcess.StartAsync(parallel: 2);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _llama.DisposeAsync();
    }

    [Fact]
    public async Task A_llama_server_reports_its_model_slots_and_context()
    {
        var endpoint = new LlmEndpointOptions { Name = "tiny", Url = _llama.Url.ToString(), Kind = LlmEndpointKinds.LlamaCpp };

        var state = await new LlmEndpointProbe(_http).ProbeAsync(endpoint, CancellationToken.None);

        Assert.True(state.Healthy, state.Detail);
        Assert.Equal("2", state.Facts["slots"]);
        Assert.Equal("0", state.Facts["busy_slots"]);
        Assert.Equal("512", state.Facts["n_ctx"]);
        Assert.EndsWith(".gguf", state.Facts["model"]);
    }

    [Fact]
    public async Task A_generic_endpoint_given_with_v1_is_probed_through_models()
    {
        var endpoint = new LlmEndpointOptions { Name = "generic", Url = new Uri(_llama.Url, "v1").ToString(), Kind = LlmEndpointKinds.OpenAi };

        var state = await new LlmEndpointProbe(_http).ProbeAsync(endpoint, CancellationToken.None);

        Assert.True(state.Healthy, state.Detail);
        Assert.False(state.Facts.ContainsKey("slots"));
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_is_unhealthy_with_the_reason()
    {
        var endpoint = new LlmEndpointOptions { Name = "gone", Url = $"http://127.0.0.1:{FreePort.Next()}", Kind = LlmEndpointKinds.LlamaCpp };

        var state = await new LlmEndpointProbe(_http).ProbeAsync(endpoint, CancellationToken.None);

        Assert.False(state.Healthy);
        Assert.Contains("does not answer", state.Detail);
    }
}
