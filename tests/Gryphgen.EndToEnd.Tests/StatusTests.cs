using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary><c>GetStatus</c> crosses every component of the running system, inside the caller's trace.</summary>
[Collection(RunningSystem.Name)]
public sealed class StatusTests(GryphgenAppFixture system)
{
    private static string Describe(SystemStatus status) =>
        string.Join("\n", status.Components.Select(c => $"{c.Name} healthy={c.Healthy} {c.Detail}"));

    [Fact]
    public async Task Every_component_is_healthy_and_answers_within_the_callers_trace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var headers = new Metadata { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" } };

        var status = await system.Status.GetStatusAsync(new GetStatusRequest(), headers);

        Assert.True(status.Healthy, Describe(status));
        Assert.Equal(traceId.ToHexString(), status.TraceId);
        Assert.All(status.Components, c => Assert.True(c.Healthy, $"{c.Name}: {c.Detail}"));
        Assert.All(status.Components, c => Assert.Equal(traceId.ToHexString(), c.TraceId));
        foreach (var name in new[] { "symorq", "symorg", "symaug", "postgres", "postgres/disk", "redis", "sandbox", "llm-grid", "llm/local" })
            Assert.Contains(status.Components, c => c.Name == name);
    }

    [Fact]
    public async Task Four_agent_roles_are_registered()
    {
        var status = await system.Status.GetStatusAsync(new GetStatusRequest());

        var roles = status.Components.Where(c => c.Kind == "agent").Select(c => c.Facts["role"]).Order();
        Assert.Equal(GryphgenAppFixture.Roles.Order(), roles);
    }

    [Fact]
    public async Task The_database_has_pgvector_and_symorgs_migrations_applied()
    {
        var status = await system.Status.GetStatusAsync(new GetStatusRequest());

        var postgres = status.Components.Single(c => c.Name == "postgres");
        Assert.Matches(@"^\d+\.\d+", postgres.Facts["server_version"]);
        Assert.Matches(@"^0\.\d+\.\d+$", postgres.Facts["pgvector_version"]);
        Assert.Contains("_Initial", status.Components.Single(c => c.Name == "symorg").Facts["migrations"]);
        Assert.Contains("_KnowledgeStore", status.Components.Single(c => c.Name == "symorg").Facts["migrations"]);
    }

    [Fact]
    public async Task The_local_llama_server_is_in_the_grid_with_its_slots()
    {
        var status = await system.Status.GetStatusAsync(new GetStatusRequest());

        var llama = status.Components.Single(c => c.Name == "llm/local");
        Assert.Equal(GryphgenAppFixture.LlamaSlots.ToString(), llama.Facts["slots"]);
        Assert.Equal("llamacpp", llama.Facts["kind"]);
        Assert.EndsWith("tiny-random.gguf", llama.Facts["model"]);
        Assert.Equal(GryphgenAppFixture.ContextPerSlot.ToString(), llama.Facts["n_ctx"]); // the context is shared by the slots
    }

    [Fact]
    public async Task The_cli_prints_the_status_as_json_and_exits_0()
    {
        var run = await GryphgenCli.RunAsync(["status", "--json"], system.CliEnvironment);

        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.True(json.RootElement.GetProperty("healthy").GetBoolean());
        foreach (var component in json.RootElement.GetProperty("components").EnumerateArray())
        {
            Assert.False(string.IsNullOrEmpty(component.GetProperty("name").GetString()));
            Assert.False(string.IsNullOrEmpty(component.GetProperty("kind").GetString()));
            Assert.True(component.GetProperty("healthy").GetBoolean(), component.ToString());
            Assert.False(string.IsNullOrEmpty(component.GetProperty("detail").GetString()));
        }
    }

    [Fact]
    public async Task The_cli_renders_a_table_for_people()
    {
        var run = await GryphgenCli.RunAsync(["status"], system.CliEnvironment);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("symorg", run.StandardOutput);
        Assert.Contains("is healthy", run.StandardOutput);
    }

    [Fact]
    public async Task An_agent_killed_with_sigkill_disappears_from_status_and_returns_when_restarted()
    {
        var before = await system.Status.GetStatusAsync(new GetStatusRequest());
        var victim = before.Components.First(c => c.Name.StartsWith("agent/generator/"));

        Process.GetProcessById(int.Parse(victim.Facts["pid"])).Kill(); // SIGKILL: no goodbye reaches the broker

        var after = await Eventually.Get(async () => await system.Status.GetStatusAsync(new GetStatusRequest()),
            s => s.Components.All(c => c.Name != victim.Name), TimeSpan.FromSeconds(20), "the killed agent disappearing");
        Assert.False(after.Healthy);
        Assert.Contains(after.Components, c => c.Name == "agent/generator" && !c.Healthy);

        await system.App.ResourceCommands.ExecuteCommandAsync("generator", KnownResourceCommands.StartCommand);
        await system.WaitForAgentsAsync(["generator"]);
    }
}
