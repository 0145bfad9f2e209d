using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Gryphgen.Testing.Tests;

/// <summary>The scripted server the workflow tests rely on speaks the protocol and answers as scripted.</summary>
public sealed class ScriptedLlmServerTests : IAsyncLifetime
{
    private ScriptedLlmServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedLlmServer.StartAsync("m1");
        _http = new HttpClient { BaseAddress = _server.Url };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task It_lists_its_model_and_answers_in_script_order_then_with_the_fallback()
    {
        _server.Enqueue("first", "second");

        var models = await _http.GetFromJsonAsync<JsonObject>("v1/models");
        Assert.Equal("m1", (string)models!["data"]![0]!["id"]!);
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await _http.PostAsJsonAsync("v1/chat/completions", Chat());
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            answers.Add((string)body!["choices"]![0]!["message"]!["content"]!);
        }
        Assert.Equal(["first", "second", "ok"], answers);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task A_held_request_waits_in_flight_until_released()
    {
        _server.Hold();
        var answer = _http.PostAsJsonAsync("v1/chat/completions", Chat());

        await Eventually.Get(() => Task.FromResult(_server.InFlight), n => n == 1, TimeSpan.FromSeconds(10), "the request in flight");
        await Task.Delay(200);
        Assert.False(answer.IsCompleted);

        _server.Release();
        using var response = await answer;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, _server.InFlight);
        Assert.Equal(1, _server.MaxInFlight);
    }

    [Fact]
    public async Task A_streamed_answer_comes_in_chunks_with_usage_last_and_then_done()
    {
        _server.Enqueue("a streamed answer of some length");
        var request = Chat(stream: true);
        request["stream_options"] = new JsonObject { ["include_usage"] = true };

        using var response = await _http.PostAsJsonAsync("v1/chat/completions", request);
        var events = (await response.Content.ReadAsStringAsync())
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e)!.AsObject()).ToList();
        var text = string.Concat(chunks.SelectMany(c => c["choices"]!.AsArray()).Select(c => (string?)c!["delta"]!["content"]));
        Assert.Equal("a streamed answer of some length", text);
        Assert.True(chunks.Count > 2, "the answer came in one piece");
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(ScriptedLlmServer.TokensOf(text), (int)chunks[^1]["usage"]!["total_tokens"]!);
    }

    [Fact]
    public async Task A_set_failure_is_answered_with_its_status_and_body()
    {
        _server.ChatFailure = (503, "loading model");

        using var response = await _http.PostAsJsonAsync("v1/chat/completions", Chat());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("loading model", await response.Content.ReadAsStringAsync());
        Assert.Single(_server.Requests);
    }

    private static JsonObject Chat(bool stream = false) => new()
    {
        ["model"] = "m1", ["max_tokens"] = 5, ["stream"] = stream,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
    };
}
