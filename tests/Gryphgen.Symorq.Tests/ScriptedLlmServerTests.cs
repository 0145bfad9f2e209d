using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>The scripted server the workflow tests rely on speaks the protocol and answers as scripted.</summary>
public sealed class ScriptedLlmServerTests
{
    [Fact]
    public async Task It_lists_its_model_and_answers_in_script_order_then_with_the_fallback()
    {
        await using var server = await ScriptedLlmServer.StartAsync("m1");
        server.Enqueue("first", "second");
        using var http = new HttpClient { BaseAddress = server.Url };

        var models = await http.GetFromJsonAsync<JsonObject>("v1/models");
        Assert.Equal("m1", (string)models!["data"]![0]!["id"]!);
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsJsonAsync("v1/chat/completions", GatewayClient.Chat("m1", 5));
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            answers.Add((string)body!["choices"]![0]!["message"]!["content"]!);
        }
        Assert.Equal(["first", "second", "ok"], answers);
        Assert.Equal(3, server.Requests.Count);
    }
}
