using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using Gryphgen.Contracts;
using Gryphgen.Testing;
using OpenAI;
using OpenAI.Chat;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// One real llama-server (2 slots) behind SYMORQ's gateway, both separate processes; beside it a 2-slot scripted
/// endpoint the tests can hold, to count what runs upstream at the server itself.
/// </summary>
public sealed class SingleEndpointGrid : LlamaSymorqGrid
{
    public const string Alias = "coder";
    public const string HeldAlias = "held";
    public const int HeldSlots = 2;

    protected override Task<LlamaServerProcess> StartLlamaAsync() => LlamaServerProcess.StartAsync(parallel: 2, contextPerSlot: 2048);

    protected override async Task<Dictionary<string, string>> SettingsAsync()
    {
        var settings = await GridProcesses.Settings(Redis, ("tiny", Llama.Url, "llamacpp", [Alias, "embed"]), ("held", Held.Url, "openai", [HeldAlias]));
        settings["Gryphgen__Llm__Endpoints__1__Slots"] = HeldSlots.ToString();
        return settings;
    }
}

/// <summary>The gateway passes OpenAI requests through unchanged and answers bad ones itself, in OpenAI's shape.</summary>
public sealed class GatewayPassThroughTests(SingleEndpointGrid grid) : IClassFixture<SingleEndpointGrid>, IDisposable
{
    private readonly GatewayClient _gateway = new(grid.Symorq.HttpUrl);

    public void Dispose()
    {
        grid.Held.Release();
        _gateway.Dispose();
    }

    [Fact]
    public async Task The_official_OpenAI_client_works_unchanged_against_the_gateway()
    {
        var client = new ChatClient(SingleEndpointGrid.Alias, new ApiKeyCredential(GridProcesses.ApiKey),
            new OpenAIClientOptions { Endpoint = new Uri(grid.Symorq.HttpUrl, "v1") });

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Write a function.")],
            new ChatCompletionOptions { MaxOutputTokenCount = 12 });

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(12, completion.Usage.OutputTokenCount);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
    }

    [Fact]
    public async Task A_streamed_answer_arrives_as_server_sent_events_through_to_done()
    {
        using var response = await _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(SingleEndpointGrid.Alias, 20, stream: true),
            completion: HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        var events = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: ")).ToList();
        Assert.Equal("data: [DONE]", events[^1]);
        var deltas = events.SkipLast(1).Select(e => JsonNode.Parse(e["data: ".Length..])!)
            .Count(e => e["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"] is not null);
        Assert.True(deltas >= 10, $"expected a delta per token, got {deltas}");
    }

    [Fact]
    public async Task Response_format_json_schema_reaches_the_server_untouched()
    {
        var body = GatewayClient.Chat(SingleEndpointGrid.Alias, 80);
        body["response_format"] = JsonNode.Parse("""
            {"type": "json_schema", "json_schema": {"name": "verdict", "strict": true, "schema": {
              "type": "object", "additionalProperties": false, "required": ["verdict"],
              "properties": {"verdict": {"type": "string", "enum": ["pass", "fail"]}}}}}
            """);

        using var response = await _gateway.PostAsync("v1/chat/completions", body);
        var content = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!;

        var verdict = (string?)JsonNode.Parse(content)!["verdict"]; // only a grammar-constrained sample parses
        Assert.Contains(verdict, new[] { "pass", "fail" });
    }

    [Fact]
    public async Task Embeddings_are_served_through_the_gateway()
    {
        using var response = await _gateway.PostAsync("v1/embeddings", new JsonObject { ["model"] = "embed", ["input"] = "def main(): pass" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var embedding = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["embedding"]!.AsArray();
        Assert.Equal(64, embedding.Count); // the tiny model's width
    }

    [Fact]
    public async Task The_model_list_is_the_union_of_aliases_and_model_ids()
    {
        var models = await Eventually.Get(() => _gateway.GetJsonAsync("v1/models"),
            m => m["data"]!.AsArray().Any(e => ((string)e!["id"]!).EndsWith("tiny-random.gguf")), TimeSpan.FromSeconds(10),
            "the first probe listing the model id");

        var tiny = models["data"]!.AsArray().Where(m => (string)m!["endpoints"]![0]! == "tiny").Select(m => (string)m!["id"]!).ToList();
        Assert.Contains("coder", tiny);
        Assert.Contains("embed", tiny);
        Assert.Contains(tiny, id => id.EndsWith("tiny-random.gguf"));
        Assert.Contains(models["data"]!.AsArray(), m => (string)m!["id"]! == SingleEndpointGrid.HeldAlias && (string)m["endpoints"]![0]! == "held");
    }

    [Fact]
    public async Task Never_more_requests_run_on_an_endpoint_than_it_has_slots()
    {
        const int slots = SingleEndpointGrid.HeldSlots;
        grid.Held.Hold(); // each request stays upstream until released, so the peak the server counts is the true one
        var requests = Enumerable.Range(0, 4 * slots)
            .Select(_ => _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(SingleEndpointGrid.HeldAlias, 4))).ToList();
        await Eventually.Get(() => Queued(), n => n == 3 * slots, TimeSpan.FromSeconds(30), "the slots taken and the rest queued in the gateway");
        Assert.Equal(slots, grid.Held.InFlight);

        grid.Held.Release();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(slots, grid.Held.MaxInFlight); // saturated, never past its slots: counted at the server as each arrived
    }

    [Fact]
    public async Task A_caller_that_goes_away_cancels_the_upstream_generation()
    {
        grid.Held.Hold(midStream: true); // the endpoint sends its first chunk, then keeps the request open until released
        var abandoned = grid.Held.Abandoned;
        using (var cancel = new CancellationTokenSource())
        {
            using var response = await _gateway.PostAsync("v1/chat/completions",
                GatewayClient.Chat(SingleEndpointGrid.HeldAlias, 2000, "a long answer, please", stream: true),
                ct: cancel.Token, completion: HttpCompletionOption.ResponseHeadersRead);
            await using var stream = await response.Content.ReadAsStreamAsync();
            Assert.True(await stream.ReadAsync(new byte[64]) > 0);
            Assert.Equal(1, grid.Held.InFlight);
            await cancel.CancelAsync();
        }

        // Still held: only the gateway dropping its upstream request can end it.
        await Eventually.Get(() => Task.FromResult(grid.Held.InFlight), n => n == 0, TimeSpan.FromSeconds(30), "the upstream request dropped");
        Assert.Equal(abandoned + 1, grid.Held.Abandoned);
    }

    private async Task<int> Queued()
    {
        using var channel = GridProcesses.OpenChannel(grid.Symorq);
        return (await new Contracts.Grid.GridClient(channel).ListEndpointsAsync(new ListEndpointsRequest())).Queued;
    }

    public static TheoryData<string, string?, int, string?, string?> BadRequests => new()
    {
        { "{not json", null, 400, "invalid_json", null },
        { "[1, 2]", null, 400, null, null },
        { """{"messages": [{"role": "user", "content": "x"}]}""", null, 400, null, "model" },
        { """{"model": "", "messages": [{"role": "user", "content": "x"}]}""", null, 400, null, "model" },
        { """{"model": "coder"}""", null, 400, null, "messages" },
        { """{"model": "coder", "messages": []}""", null, 400, null, "messages" },
        { """{"model": "coder", "max_tokens": -5, "messages": [{"role": "user", "content": "x"}]}""", null, 400, null, "max_tokens" },
        { """{"model": "no-such-alias", "messages": [{"role": "user", "content": "x"}]}""", null, 404, "model_not_found", "model" },
        { """{"model": "coder", "messages": [{"role": "user", "content": "x"}]}""", "urgent", 400, "invalid_priority", "X-Gryphgen-Priority" },
        { """{"model": "coder", "max_tokens": 100000, "messages": [{"role": "user", "content": "x"}]}""", null, 400, "context_length_exceeded", "messages" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_an_OpenAI_style_error_and_reaches_no_endpoint(string body, string? priority, int status, string? code, string? param)
    {
        var before = await grid.Llama.MetricAsync("n_decode_total");

        using var response = await _gateway.PostRawAsync("v1/chat/completions", body, priority);

        var error = await GatewayClient.ErrorOf(response);
        Assert.Equal(status, error.Status);
        if (code is not null) Assert.Equal(code, error.Code);
        if (param is not null) Assert.Equal(param, error.Param);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(before, await grid.Llama.MetricAsync("n_decode_total"));
    }
}
