using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Grid.Gateway;
using Gryphgen.Testing;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// The gateway counts each completion's tokens, as the endpoint reported them in <c>usage</c>, against the task its
/// <c>X-Gryphgen-Task</c> header names, in Redis where every replica's task runs read it; only for agent keys.
/// </summary>
public sealed class GatewayTokenMeterTests(ScriptedGatewayGrid grid) : IClassFixture<ScriptedGatewayGrid>
{
    [Fact]
    public async Task An_agent_keys_completion_is_metered_against_its_task_as_the_upstream_reported_it_streamed_or_not()
    {
        var task = NewTaskId();
        const string whole = "a whole answer of some length", streamed = "a streamed answer, somewhat longer than that";
        grid.Llm.Enqueue(whole, streamed);

        using var first = await ChatAsync(GridProcesses.AgentKey, task, stream: false);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(ScriptedLlmServer.TokensOf(whole), await MeteredAsync(task));
        using var second = await ChatAsync(GridProcesses.AgentKey, task, stream: true);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("\"usage\"", await second.Content.ReadAsStringAsync());

        Assert.Equal(ScriptedLlmServer.TokensOf(whole) + ScriptedLlmServer.TokensOf(streamed), await MeteredAsync(task));
    }

    [Fact]
    public async Task A_user_or_admin_key_naming_a_task_does_not_add_to_its_tokens()
    {
        var task = NewTaskId();
        grid.Llm.Enqueue("the agent's answer");
        using var agent = await ChatAsync(GridProcesses.AgentKey, task, stream: false);
        var metered = await MeteredAsync(task);
        Assert.True(metered > 0);

        foreach (var key in new[] { await grid.CreateKeyAsync(KeyScope.User), GridProcesses.ApiKey })
        {
            using var other = await ChatAsync(key, task, stream: false);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        Assert.Equal(metered, await MeteredAsync(task));
    }

    private static string NewTaskId() => $"t-{Guid.NewGuid():N}"[..14];

    private async Task<HttpResponseMessage> ChatAsync(string key, string task, bool stream)
    {
        var body = GatewayClient.Chat(ScriptedGatewayGrid.Alias, 32, stream: stream);
        if (stream) body["stream_options"] = new JsonObject { ["include_usage"] = true };
        using var http = new HttpClient { BaseAddress = grid.Symorq.HttpUrl, Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
        };
        request.Headers.Add(GryphgenHeaders.Task, task);
        return await http.SendAsync(request);
    }

    /// <summary>The task's count as SYMORQ's task runs read it: in Redis, through the meter itself.</summary>
    private async Task<long> MeteredAsync(string task)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(grid.Redis.ConnectionString);
        return await new TaskTokenMeter(redis).ReadAsync(task);
    }
}
