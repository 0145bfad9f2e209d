using System.Text.Json.Nodes;
using Gryphgen.Agents.Roles;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.Agents.Tests;

/// <summary>Each role against a real OpenAI-compatible HTTP server whose answers the test scripts.</summary>
public sealed class ScriptedRoleTests : IAsyncLifetime
{
    private ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(RoleSamples.Roles), MemberType = typeof(RoleSamples))]
    public async Task A_valid_reply_is_returned_and_the_request_asks_for_the_roles_schema(AgentRole role)
    {
        var (valid, _, _) = RoleSamples.Replies[role];
        _server.Enqueue(valid);
        using var host = new RoleAgentHost(_server.Url);
        var progress = new RecordingProgress();

        var reply = await host.Agent(role).RunAsync(RoleSamples.Job(), progress, CancellationToken.None);

        Assert.Equal(valid, reply.Json);
        Assert.Equal(10, reply.InputTokens);
        Assert.True(reply.OutputTokens > 0);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("default", request.Body["model"]!.GetValue<string>());
        var format = request.Body["response_format"]!;
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        var schema = format["json_schema"]!["schema"]!;
        var required = schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var expected = JsonNode.Parse(valid)!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(expected.Order(), required.Order());
        Assert.Contains("asking default", progress.Notes);
    }

    [Fact]
    public async Task A_server_that_keeps_refusing_the_prompt_as_too_long_fails_the_job_after_three_ever_shorter_packings()
    {
        // OpenAI's answer to a prompt past the model's context: each refusal teaches a larger ratio of the model's
        // tokens to the packer's, so each packing is shorter; the third refusal ends the job, saying what was refused.
        _server.ChatFailure = (400, """{"error":{"message":"This model's maximum context length is 8000 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""");
        using var host = new RoleAgentHost(_server.Url, ("Agent:MaxOutputTokens", "100"));
        var job = RoleSamples.Job();
        job.TestReport = string.Join('\n', Enumerable.Range(1, 300).Select(i => $"FAILED tests/test_app.py::test_case_{i} - AssertionError: expected {i} got {i + 1}"));

        var failure = await Assert.ThrowsAsync<RoleJobFailedException>(() =>
            host.Agent(AgentRole.Analyzer).RunAsync(job, new RecordingProgress(), CancellationToken.None));

        Assert.Equal("model 'default' still refused the analyzer prompt as longer than its context (9000 tokens, context 8000) after packing it 3 times", failure.Message);
        Assert.False(failure.Unavailable);
        var lengths = _server.Requests.Select(r => r.Text.Length).ToList();
        Assert.Equal(3, lengths.Count);
        Assert.True(lengths[0] > lengths[1] && lengths[1] > lengths[2], string.Join(", ", lengths));
    }

    [Theory]
    [MemberData(nameof(RoleSamples.Roles), MemberType = typeof(RoleSamples))]
    public async Task An_invalid_reply_is_retried_once_with_the_error_shown_and_every_request_carries_the_headers(AgentRole role)
    {
        var (valid, invalid, error) = RoleSamples.Replies[role];
        _server.Enqueue(invalid, valid);
        using var host = new RoleAgentHost(_server.Url);
        var progress = new RecordingProgress();

        var reply = await host.Agent(role).RunAsync(RoleSamples.Job(taskId: "task-7", priority: 3), progress, CancellationToken.None);

        Assert.Equal(valid, reply.Json);
        Assert.Equal(20, reply.InputTokens); // both calls counted
        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, request =>
        {
            Assert.Equal(role.ToName(), request.Headers["X-Gryphgen-Role"]);
            Assert.Equal("task-7", request.Headers["X-Gryphgen-Task"]);
            Assert.Equal("3", request.Headers["X-Gryphgen-Priority"]);
        });
        var retry = _server.Requests.ElementAt(1).Body["messages"]!.AsArray();
        Assert.Equal("assistant", retry[^2]!["role"]!.GetValue<string>());
        Assert.Equal(invalid, retry[^2]!["content"]!.GetValue<string>());
        Assert.Equal("user", retry[^1]!["role"]!.GetValue<string>());
        Assert.Contains(error, retry[^1]!["content"]!.GetValue<string>());
        Assert.Contains(progress.Notes, n => n.StartsWith("reply invalid", StringComparison.Ordinal) && n.EndsWith("retrying", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RoleSamples.Roles), MemberType = typeof(RoleSamples))]
    public async Task A_reply_that_is_never_valid_fails_the_job_with_the_reason(AgentRole role)
    {
        var (_, invalid, error) = RoleSamples.Replies[role];
        _server.Enqueue(invalid, invalid, RoleSamples.Replies[role].Valid);
        using var host = new RoleAgentHost(_server.Url);

        var failure = await Assert.ThrowsAsync<RoleJobFailedException>(
            () => host.Agent(role).RunAsync(RoleSamples.Job(), new RecordingProgress(), CancellationToken.None));

        Assert.Contains("no valid reply in two tries", failure.Message);
        Assert.Contains(error, failure.Message);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Prose_is_never_valid_and_says_there_is_no_json()
    {
        _server.Enqueue("I cannot help with that.", "Still no.");
        using var host = new RoleAgentHost(_server.Url);

        var failure = await Assert.ThrowsAsync<RoleJobFailedException>(
            () => host.Agent(AgentRole.Monitor).RunAsync(RoleSamples.Job(), new RecordingProgress(), CancellationToken.None));

        Assert.Contains("no complete JSON object", failure.Message);
    }

    [Theory]
    [InlineData("Sure! Here it is:\n```json\n{0}\n```\nHope that helps.")]
    [InlineData("```\n{0}\n```")]
    [InlineData("My answer {{as asked}}: {0} -- done.")]
    public async Task Json_wrapped_in_prose_or_code_fences_is_extracted(string wrapping)
    {
        var valid = RoleSamples.Replies[AgentRole.Generator].Valid;
        _server.Enqueue(string.Format(wrapping, valid));
        using var host = new RoleAgentHost(_server.Url);

        var reply = await host.Agent(AgentRole.Generator).RunAsync(RoleSamples.Job(), new RecordingProgress(), CancellationToken.None);

        Assert.Equal(valid, reply.Json);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Model_and_temperature_come_from_configuration_unless_the_job_sets_them()
    {
        var valid = RoleSamples.Replies[AgentRole.Analyzer].Valid;
        _server.Enqueue(valid, valid);
        using var host = new RoleAgentHost(_server.Url, ("Agent:Model", "coder"), ("Agent:Temperature", "0.25"), ("Agent:MaxOutputTokens", "300"));
        var agent = host.Agent(AgentRole.Analyzer);
        var progress = new RecordingProgress();

        await agent.RunAsync(RoleSamples.Job(), progress, CancellationToken.None);
        var job = RoleSamples.Job();
        job.Model = "strong";
        job.Temperature = 0.9;
        job.MaxOutputTokens = 500;
        await agent.RunAsync(job, progress, CancellationToken.None);

        var (global, perTask) = (_server.Requests.ElementAt(0).Body, _server.Requests.ElementAt(1).Body);
        Assert.Equal("coder", global["model"]!.GetValue<string>());
        Assert.Equal(0.25, global["temperature"]!.GetValue<double>(), 3);
        Assert.Equal(300, MaxTokens(global));
        Assert.Equal("strong", perTask["model"]!.GetValue<string>());
        Assert.Equal(0.9, perTask["temperature"]!.GetValue<double>(), 3);
        Assert.Equal(500, MaxTokens(perTask));
        Assert.Equal(["asking coder", "asking strong"], progress.Notes);
    }

    [Fact]
    public async Task The_agent_for_the_configured_role_is_the_unkeyed_one()
    {
        using var host = new RoleAgentHost(_server.Url, ("Agent:Role", "optimizer"));

        Assert.Equal(AgentRole.Optimizer, host.Services.GetRequiredService<IRoleAgent>().Role);
    }

    [Theory]
    [InlineData(10, "task-1", "priority must be from 0 to 9")]
    [InlineData(-1, "task-1", "priority must be from 0 to 9")]
    [InlineData(5, "task\r\nX-Evil: 1", "printable ASCII")]
    public async Task A_hostile_job_fails_before_any_model_is_asked(int priority, string taskId, string reason)
    {
        using var host = new RoleAgentHost(_server.Url);

        var failure = await Assert.ThrowsAsync<RoleJobFailedException>(() =>
            host.Agent(AgentRole.Generator).RunAsync(RoleSamples.Job(taskId, priority), new RecordingProgress(), CancellationToken.None));

        Assert.Contains(reason, failure.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_temperature_out_of_range_fails_the_job()
    {
        using var host = new RoleAgentHost(_server.Url);
        var job = RoleSamples.Job();
        job.Temperature = 7;

        var failure = await Assert.ThrowsAsync<RoleJobFailedException>(() =>
            host.Agent(AgentRole.Monitor).RunAsync(job, new RecordingProgress(), CancellationToken.None));

        Assert.Contains("temperature must be from 0 to 2", failure.Message);
    }

    private static int MaxTokens(JsonObject body) => (body["max_completion_tokens"] ?? body["max_tokens"])!.GetValue<int>();
}
