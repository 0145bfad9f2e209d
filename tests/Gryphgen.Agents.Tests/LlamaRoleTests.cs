using System.Text.Json;
using Gryphgen.Agents.Roles;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Testing;

namespace Gryphgen.Agents.Tests;

/// <summary>
/// Each role against the real llama-server and its tiny random model: the model's output is gibberish, so a reply
/// that parses and validates proves the json_schema round trip (llama.cpp turned the schema into a grammar), and the
/// tight bounds prove the schema's limits reach that grammar (without them the model writes until max_tokens).
/// </summary>
public sealed class LlamaRoleTests : IAsyncLifetime
{
    private LlamaServerProcess _llama = null!;

    public async Task InitializeAsync() => _llama = await LlamaServerProcess.StartAsync(parallel: 2, contextPerSlot: 2048);

    public async Task DisposeAsync() => await _llama.DisposeAsync();

    [Theory]
    [MemberData(nameof(RoleSamples.Roles), MemberType = typeof(RoleSamples))]
    public async Task The_grammar_constrained_reply_parses_and_validates(AgentRole role)
    {
        using var host = new RoleAgentHost(_llama.Url,
            ("Agent:ContextTokens", "2048"), ("Agent:MaxOutputTokens", "400"), ("Agent:Temperature", "0"),
            ("Agent:Limits:MaxFiles", "2"), ("Agent:Limits:MaxPathChars", "12"), ("Agent:Limits:MaxFileChars", "24"),
            ("Agent:Limits:MaxItems", "2"), ("Agent:Limits:MaxTextChars", "24"));
        var progress = new RecordingProgress();

        var reply = await host.Agent(role).RunAsync(RoleSamples.Job(), progress, CancellationToken.None);

        using var document = JsonDocument.Parse(reply.Json);
        Assert.Null(Contract(role).Validate(document.RootElement));
        Assert.True(reply.InputTokens > 0);
        Assert.InRange(reply.OutputTokens, 1, 399); // stopped by the grammar, not by the token limit
        // One note per model call ("asking", then one more if it retries): the first reply was the valid one.
        Assert.Single(progress.Notes);
    }

    [Theory]
    [MemberData(nameof(RoleSamples.Roles), MemberType = typeof(RoleSamples))]
    public async Task The_default_bounds_make_a_grammar_llama_cpp_accepts(AgentRole role)
    {
        // With the default (generous) bounds the random model writes until the token limit: the job fails, but on
        // the cut-off reply, not on llama.cpp refusing the schema ("failed to parse grammar", as maxLength 2000 does).
        using var host = new RoleAgentHost(_llama.Url, ("Agent:ContextTokens", "2048"), ("Agent:MaxOutputTokens", "40"), ("Agent:Temperature", "0"));

        var failure = await Assert.ThrowsAsync<RoleJobFailedException>(() =>
            host.Agent(role).RunAsync(RoleSamples.Job(), new RecordingProgress(), CancellationToken.None));

        Assert.Contains("cut off at the output token limit", failure.Message);
    }

    [Fact]
    public async Task A_prompt_the_model_counts_longer_than_its_slot_is_packed_again_to_fit()
    {
        // Agent:ContextTokens says 8192 but the slot has 2048, and the tiny model's tokenizer takes about four tokens
        // for each cl100k one: the first prompt is refused ("exceeds the available context size"); the agent learns
        // the ratio and the slot from the refusal and packs the job again, trimming the test report.
        using var host = new RoleAgentHost(_llama.Url,
            ("Agent:ContextTokens", "8192"), ("Agent:MaxOutputTokens", "400"), ("Agent:Temperature", "0"),
            ("Agent:Limits:MaxItems", "2"), ("Agent:Limits:MaxTextChars", "24"));
        var job = RoleSamples.Job();
        job.TestReport = string.Join('\n', Enumerable.Range(1, 300).Select(i => $"FAILED tests/test_app.py::test_case_{i} - AssertionError: expected {i} got {i + 1}"));

        var first = await host.Agent(AgentRole.Analyzer).RunAsync(job, new RecordingProgress(), CancellationToken.None);
        var second = await host.Agent(AgentRole.Analyzer).RunAsync(job, new RecordingProgress(), CancellationToken.None);

        foreach (var reply in new[] { first, second })
        {
            using var document = JsonDocument.Parse(reply.Json);
            Assert.Null(new AnalyzerContract().Validate(document.RootElement));
            Assert.InRange(reply.InputTokens, 1, 2048 - 400);
        }
    }

    private static RoleContract Contract(AgentRole role) => role switch
    {
        AgentRole.Generator => new GeneratorContract(),
        AgentRole.Analyzer => new AnalyzerContract(),
        AgentRole.Monitor => new MonitorContract(),
        _ => new OptimizerContract(),
    };
}
