using Gryphgen.Agents.Roles;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Testing;
using Microsoft.ML.Tokenizers;

namespace Gryphgen.Agents.Tests;

/// <summary>The prompt a role sends fits the model's window in tokens, trimmed least important first, never the task.</summary>
public sealed class PromptPackingTests : IAsyncLifetime
{
    private static readonly Tokenizer Cl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base");
    private ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_oversized_job_is_trimmed_to_the_window_keeping_the_task_and_the_latest_history()
    {
        var job = RoleSamples.Job();
        job.Description = "Write a program that prints a greeting. UNIQUE-TASK-MARKER";
        job.History.Clear();
        job.History.AddRange(Enumerable.Range(1, 40).Select(i => $"attempt {i}: {Words("tried", 30)}"));
        job.Context = Words("[1] docs:big.md:1-900 context", 3000);
        job.Files.Add(new WorkspaceFile { Path = "src/other.py", Content = Words("other", 2000) });
        job.TestReport = Words("noise", 2000) + "\nFAILED test_app.py::test_greets TAIL-MARKER";
        _server.Enqueue(RoleSamples.Replies[AgentRole.Generator].Valid);
        using var host = new RoleAgentHost(_server.Url, ("Agent:ContextTokens", "2048"), ("Agent:MaxOutputTokens", "512"));

        await host.Agent(AgentRole.Generator).RunAsync(job, new RecordingProgress(), CancellationToken.None);

        var sent = Assert.Single(_server.Requests).Body["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).ToList();
        var tokens = sent.Sum(m => Cl100k.CountTokens(m));
        Assert.InRange(tokens, 1, 2048 - 512);
        var prompt = string.Join('\n', sent);
        Assert.Contains("UNIQUE-TASK-MARKER", prompt);
        Assert.Contains("exits with code 0", prompt); // requirements are the task too
        Assert.Contains("attempt 40:", prompt);
        Assert.DoesNotContain("attempt 1:", prompt);
        Assert.Contains("earlier attempts left out to fit the context window", prompt);
        Assert.Contains("tokens left out to fit the context window", prompt);
        Assert.Contains("print(x)", prompt); // src/app.py is named by the analysis: the most relevant file stays
    }

    [Fact]
    public async Task Older_history_goes_before_anything_else()
    {
        var job = RoleSamples.Job();
        job.History.Clear();
        job.History.AddRange(Enumerable.Range(1, 60).Select(i => $"attempt {i}: {Words("tried", 20)}"));
        _server.Enqueue(RoleSamples.Replies[AgentRole.Monitor].Valid);
        using var host = new RoleAgentHost(_server.Url, ("Agent:ContextTokens", "1500"), ("Agent:MaxOutputTokens", "256"));

        await host.Agent(AgentRole.Monitor).RunAsync(job, new RecordingProgress(), CancellationToken.None);

        var prompt = string.Join('\n', Assert.Single(_server.Requests).Body["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()));
        Assert.Contains("earlier attempts left out", prompt);
        Assert.Contains("attempt 60:", prompt);
        Assert.Contains(job.TestReport, prompt);
        Assert.Contains(job.Analysis, prompt);
        Assert.Contains("print(x)", prompt);
    }

    [Fact]
    public async Task A_task_too_big_for_the_window_fails_with_the_reason_and_asks_no_model()
    {
        var job = RoleSamples.Job();
        job.Description = Words("requirement", 3000);
        using var host = new RoleAgentHost(_server.Url, ("Agent:ContextTokens", "1024"), ("Agent:MaxOutputTokens", "256"));

        var failure = await Assert.ThrowsAsync<RoleJobFailedException>(() =>
            host.Agent(AgentRole.Analyzer).RunAsync(job, new RecordingProgress(), CancellationToken.None));

        Assert.Contains("the task alone takes", failure.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void A_prompt_file_with_an_unknown_placeholder_is_rejected_when_loaded()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PromptTemplate.Parse("Task: {{task_title}}", "broken.md"));

        Assert.Contains("unknown placeholder {{task_title}}", error.Message);
    }

    [Fact]
    public void Every_role_has_a_prompt_file_that_loads()
    {
        foreach (var role in AgentRoles.AllNames) Assert.NotNull(RolePrompts.Load(role));
    }

    private static string Words(string word, int count) => string.Join(' ', Enumerable.Repeat(word, count));
}
