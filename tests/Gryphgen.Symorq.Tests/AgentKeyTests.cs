using System.Net;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// An agent key — the configured one (Gryphgen:Gateway:AgentKey) the AppHost gives the agents, or one made with
/// <c>gryphgen keys create --scope agent</c> — reaches the gateway (/v1) and nothing else of SYMORQ.
/// </summary>
public sealed class AgentKeyTests(ScriptedGatewayGrid grid) : IClassFixture<ScriptedGatewayGrid>
{
    private async Task<string[]> AgentKeysAsync() => [GridProcesses.AgentKey, await grid.CreateKeyAsync(KeyScope.Agent)];

    [Fact]
    public async Task An_agent_key_gets_PERMISSION_DENIED_on_every_RPC_of_every_public_service()
    {
        foreach (var key in await AgentKeysAsync())
        {
            using var channel = ApiKeyChannel.Open(grid.Symorq.GrpcUrl, key);

            var results = await EveryRpc.CallAsync(channel.CreateCallInvoker(), PublicApiAuthenticationTests.PublicServices);

            Assert.Equal(PublicApiAuthenticationTests.PublicServices.Sum(s => s.Methods.Count), results.Count);
            Assert.Equal(results.Select(r => (r.Method, StatusCode.PermissionDenied)), results);
        }
    }

    [Fact]
    public async Task An_agent_key_gets_403_from_the_task_API()
    {
        foreach (var key in await AgentKeysAsync())
        {
            using var list = await SendAsync(key, HttpMethod.Get, "api/tasks");
            using var submit = await SendAsync(key, HttpMethod.Post, "api/tasks", "{}");
            using var one = await SendAsync(key, HttpMethod.Get, "api/tasks/some-task");

            foreach (var response in new[] { list, submit, one })
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal("insufficient_scope", (await GatewayClient.ErrorOf(response)).Code);
            }
        }
    }

    [Fact]
    public async Task An_agent_key_lists_the_models_and_gets_a_chat_completion()
    {
        foreach (var key in await AgentKeysAsync())
        {
            using var gateway = new GatewayClient(grid.Symorq.HttpUrl, key);
            grid.Llm.Enqueue("agent answer");

            var models = await gateway.GetJsonAsync("v1/models");
            using var chat = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(ScriptedGatewayGrid.Alias, 16));

            Assert.Contains(models["data"]!.AsArray(), m => (string?)m!["id"] == ScriptedGatewayGrid.Alias);
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            Assert.Contains("agent answer", await chat.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_configured_agent_key_is_listed_with_scope_agent_and_cannot_be_revoked_or_taken()
    {
        using var admin = GridProcesses.OpenChannel(grid.Symorq);
        var keys = new Contracts.Keys.KeysClient(admin);

        var listed = (await keys.ListAsync(new ListKeysRequest())).Keys;

        Assert.Contains(listed, k => k is { Name: "local-agents", Configured: true, Scope: KeyScope.Agent });
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() =>
            keys.RevokeAsync(new RevokeKeyRequest { Name = "local-agents" }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() =>
            keys.CreateAsync(new CreateKeyRequest { Name = "local-agents", Scope = KeyScope.Agent }).ResponseAsync)).StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = grid.Symorq.HttpUrl };
        using var request = new HttpRequestMessage(method, path) { Headers = { Authorization = new("Bearer", key) } };
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await http.SendAsync(request);
    }
}
