using System.Net;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// A one-slot llama-server behind a gateway that requires an API key, caches deterministic answers and lets six
/// requests wait; beside it an endpoint that is down and a one-slot scripted server the tests can hold.
/// </summary>
public sealed class OneSlotGrid : LlamaSymorqGrid
{
    public const string ApiKey = "test-gateway-key";
    public const int QueueLimit = 6;

    protected override Task<LlamaServerProcess> StartLlamaAsync() => LlamaServerProcess.StartAsync(parallel: 1, contextPerSlot: 4096, embeddings: false);

    protected override async Task<Dictionary<string, string>> SettingsAsync()
    {
        var settings = await GridProcesses.Settings(Redis,
            ("solo", Llama.Url, "llamacpp", ["coder"]),
            ("gone", new Uri($"http://127.0.0.1:{FreePort.Next()}/"), "llamacpp", ["ghost"]),
            ("held", Held.Url, "openai", ["held"]));
        settings["Gryphgen__Gateway__ApiKey"] = ApiKey;
        settings["Gryphgen__Gateway__CacheEnabled"] = "true";
        settings["Gryphgen__Gateway__MaxRequestBytes"] = "4096";
        settings["Gryphgen__Llm__MaxQueuedRequests"] = QueueLimit.ToString();
        return settings;
    }
}

/// <summary>Priority order under saturation, the bounded queue, the API key, the cache, and endpoints that are down.</summary>
public sealed class GatewaySchedulingTests(OneSlotGrid grid) : IClassFixture<OneSlotGrid>, IDisposable
{
    private readonly GatewayClient _gateway = new(grid.Symorq.HttpUrl, OneSlotGrid.ApiKey);

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task Under_saturation_urgent_requests_run_before_earlier_low_priority_ones()
    {
        grid.Held.Hold(); // the scripted endpoint's one slot stays busy with the blocker until released
        var blocker = _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("held", 4, "blocker"));
        await Eventually.Get(() => Task.FromResult(grid.Held.InFlight), n => n == 1, TimeSpan.FromSeconds(30), "the blocker running");
        using var channel = ApiKeyChannel.Open(grid.Symorq.GrpcUrl, OneSlotGrid.ApiKey);
        var admin = new Contracts.Grid.GridClient(channel);
        var names = new List<string>();
        var requests = new List<Task<HttpResponseMessage>>();
        foreach (var (name, priority) in new[] { ("low-1", "low"), ("low-2", "low"), ("low-3", "1"), ("high-1", "high"), ("high-2", "9"), ("high-3", "high") })
        {
            names.Add(name);
            requests.Add(_gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("held", 4, name), priority));
            // Arrival order from the scheduler's own queue: each request waits there before the next is sent, so
            // every low one is queued before any high one.
            await Eventually.Get(async () => (await admin.ListEndpointsAsync(new ListEndpointsRequest())).Queued,
                n => n == names.Count, TimeSpan.FromSeconds(30), $"{name} queued behind the blocker");
        }

        grid.Held.Release();
        Assert.Equal(HttpStatusCode.OK, (await blocker).StatusCode);
        Assert.All(await Task.WhenAll(requests), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // One slot, so the order they reached the endpoint is the order the scheduler chose.
        var dispatched = grid.Held.Requests.Select(r => r.Text).Where(names.Contains).ToList();
        Assert.Equal(["high", "high", "high", "low", "low", "low"], dispatched.Select(n => n[..n.IndexOf('-')]));
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after_and_the_queued_requests_still_complete()
    {
        grid.Held.Hold(); // the scripted endpoint's one slot stays busy until released
        var requests = Enumerable.Range(0, OneSlotGrid.QueueLimit + 1)
            .Select(_ => _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("held", 4))).ToList();
        using var channel = ApiKeyChannel.Open(grid.Symorq.GrpcUrl, OneSlotGrid.ApiKey);
        var admin = new Contracts.Grid.GridClient(channel);
        await Eventually.Get(async () => (await admin.ListEndpointsAsync(new ListEndpointsRequest())).Queued,
            n => n == OneSlotGrid.QueueLimit, TimeSpan.FromSeconds(20), "one request running and the rest queued");

        using var rejected = await _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("held", 4));

        var error = await GatewayClient.ErrorOf(rejected);
        Assert.Equal(429, error.Status);
        Assert.Equal("queue_full", error.Code);
        Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        grid.Held.Release();
        Assert.All(await Task.WhenAll(requests), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Without_the_api_key_the_gateway_answers_401(string? key)
    {
        using var stranger = new GatewayClient(grid.Symorq.HttpUrl, key);
        using var response = await stranger.PostAsync("v1/chat/completions", GatewayClient.Chat("coder", 4));

        var error = await GatewayClient.ErrorOf(response);
        Assert.Equal(401, error.Status);
        Assert.Equal("invalid_api_key", error.Code);
        Assert.DoesNotContain(OneSlotGrid.ApiKey, error.Message);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_reaches_no_endpoint()
    {
        var before = await grid.Llama.MetricAsync("n_decode_total");
        using var response = await _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("coder", 4, new string('x', 8000)));

        var error = await GatewayClient.ErrorOf(response);
        Assert.Equal(413, error.Status);
        Assert.Equal("request_too_large", error.Code);
        Assert.Equal(before, await grid.Llama.MetricAsync("n_decode_total"));
    }

    [Fact]
    public async Task A_deterministic_request_is_answered_from_the_cache_the_second_time()
    {
        var body = GatewayClient.Chat("coder", 6, $"cache me {Guid.NewGuid()}");
        body["temperature"] = 0;

        using var first = await _gateway.PostAsync("v1/chat/completions", body);
        var decodes = await grid.Llama.MetricAsync("n_decode_total");
        using var second = await _gateway.PostAsync("v1/chat/completions", body);

        Assert.False(first.Headers.Contains("X-Gryphgen-Cache"));
        Assert.Equal("hit", second.Headers.GetValues("X-Gryphgen-Cache").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(decodes, await grid.Llama.MetricAsync("n_decode_total"));
    }

    [Fact]
    public async Task A_model_served_only_by_a_down_endpoint_is_503_with_the_reason()
    {
        using var response = await _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("ghost", 4));

        var error = await GatewayClient.ErrorOf(response);
        Assert.Equal(503, error.Status);
        Assert.Equal("no_endpoint_available", error.Code);
        Assert.Contains("gone", error.Message);
    }
}
