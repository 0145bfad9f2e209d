using System.Net;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// The broker with real agent processes (Gryphgen.Agents) on real, CURVE-encrypted sockets, their model a scripted
/// server.
/// </summary>
public sealed class AgentProcessTests : IAsyncLifetime
{
    private const int Liveness = 50;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly BrokerHarness _harness = new();
    private readonly List<LoggedProcess> _agents = [];
    private ScriptedLlmServer _llm = null!;

    public async Task InitializeAsync()
    {
        _llm = await ScriptedLlmServer.StartAsync();
        _llm.Fallback = _ => RoleAnswers.Generate("done", ("main.py", "print('hi')\n"));
        // Fifty missed heartbeats (five seconds), not three, before a worker counts as dead: separate processes on a
        // busy two-core machine may be late by a second or more without being dead.
        await _harness.StartAsync(new FabricOptions { Liveness = Liveness });
    }

    [Fact]
    public async Task A_generator_killed_with_SIGKILL_mid_job_leaves_the_job_to_another_generator_process()
    {
        _llm.Hold();
        var doomed = StartGenerator();
        await WorkersAsync(1);
        var job = _harness.Broker.RunJobAsync(AgentRole.Generator,
            new RoleJob { TaskId = "t-sigkill", Title = "hello", Description = "print hi", Language = "python", AcceptanceCommand = "python3 main.py" },
            progress: null, CancellationToken.None);
        await Eventually.Get(() => Task.FromResult(_llm.InFlight), n => n == 1, Patience, "the first generator asking the model");

        var survivor = StartGenerator();
        await WorkersAsync(2);
        doomed.Kill();
        _llm.Release();
        var outcome = await job.WaitAsync(Patience);

        Assert.True(outcome.Ok, outcome.Error);
        // The killed generator took the first attempt; a survivor late enough to be presumed dead may cost another.
        Assert.True(outcome.Attempts >= 2, $"{outcome.Attempts} attempt(s)");
        var finisher = Assert.Single(_harness.Registry.Snapshot(), w => w.Hello.WorkerId == outcome.WorkerId);
        Assert.Equal(survivor.Id, finisher.Hello.Pid);
        Assert.Equal("done", RoleReplies.Read<GeneratorReply>(outcome.ReplyJson).Summary);
    }

    [Fact]
    public async Task A_result_finished_while_the_worker_was_cut_off_is_delivered_when_it_reconnects_not_run_again()
    {
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, _harness.Port));
        _llm.Hold();
        var asked = _llm.Requests.Count;
        var agent = StartGenerator(endpoint: $"tcp://127.0.0.1:{proxy.Port}");
        await WorkersAsync(1);
        var job = _harness.Broker.RunJobAsync(AgentRole.Generator,
            new RoleJob { TaskId = "t-partition", Title = "hello", Description = "print hi", Language = "python", AcceptanceCommand = "python3 main.py" },
            progress: null, CancellationToken.None);
        await Eventually.Get(() => Task.FromResult(_llm.InFlight), n => n == 1, Patience, "the generator asking the model");

        proxy.Cut();
        _llm.Release(); // the job finishes while the worker cannot reach the broker
        await Eventually.Get(() => Task.FromResult(agent.Log), log => log.Contains("silent; reconnecting"), Patience,
            "the worker giving the broker up");
        proxy.Heal();
        var outcome = await job.WaitAsync(Patience);

        Assert.True(outcome.Ok, outcome.Error);
        Assert.Equal("done", RoleReplies.Read<GeneratorReply>(outcome.ReplyJson).Summary);
        // The model was asked once: the finished result reached the broker; the job was not run (and paid for) again.
        Assert.Equal(asked + 1, _llm.Requests.Count);
        Assert.Equal(agent.Id, Assert.Single(_harness.Registry.Snapshot()).Hello.Pid);
    }

    [Fact]
    public async Task A_job_cancelled_through_the_broker_drops_the_agents_request_to_its_model()
    {
        _llm.Hold(); // the model never answers: only the agent hanging up can end its request
        var abandoned = _llm.Abandoned;
        StartGenerator();
        await WorkersAsync(1);
        using var cancel = new CancellationTokenSource();
        var job = _harness.Broker.RunJobAsync(AgentRole.Generator,
            new RoleJob { TaskId = "t-cancel", Title = "hello", Description = "print hi", Language = "python", AcceptanceCommand = "python3 main.py" },
            progress: null, cancel.Token);
        await Eventually.Get(() => Task.FromResult(_llm.InFlight), n => n == 1, Patience, "the generator asking the model");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WaitAsync(Patience));
        // Counted at the model's server: the agent's upstream request ended, abandoned, while the server still held it.
        await Eventually.Get(() => Task.FromResult(_llm.InFlight), n => n == 0, Patience, "the agent's request to its model dropped");
        Assert.Equal(abandoned + 1, _llm.Abandoned);
    }

    [Fact]
    public async Task Generator_processes_with_a_wrong_credential_or_broker_key_are_never_admitted_and_keep_redialling()
    {
        var wrongCredential = StartGenerator(credential: _harness.Credential(AgentRole.Analyzer));
        var wrongKey = StartGenerator(brokerPublicKey: new NetMQ.NetMQCertificate().PublicKeyZ85);
        var enrolled = StartGenerator();
        await WorkersAsync(1);

        // Each refused worker hears nothing, gives the broker up as silent and dials again: it has been refused.
        foreach (var refused in new[] { wrongCredential, wrongKey })
            await Eventually.Get(() => Task.FromResult(refused.Log), log => log.Contains("silent; reconnecting"), Patience, "a refused worker redialling");
        Assert.Equal([enrolled.Id], _harness.Registry.Snapshot().Select(w => w.Hello.Pid));
    }

    [Fact]
    public async Task An_agent_with_a_malformed_broker_key_stops_at_start_naming_the_setting()
    {
        var agent = StartGenerator(brokerPublicKey: "not-a-curve-key");
        await agent.WaitForExitAsync(new CancellationTokenSource(Patience).Token);
        Assert.NotEqual(0, agent.ExitCode);
        Assert.Contains("Fabric:BrokerPublicKey", agent.Log);
    }

    private LoggedProcess StartGenerator(string? credential = null, string? brokerPublicKey = null, string? endpoint = null)
    {
        var agent = ServiceProcess.StartWorker("Gryphgen.Agents", new Dictionary<string, string>
        {
            ["Agent__Role"] = "generator", ["Agent__Gateway"] = new Uri(_llm.Url, "v1").ToString(),
            ["Fabric__Endpoint"] = endpoint ?? $"tcp://127.0.0.1:{_harness.Port}",
            ["Fabric__Credential"] = credential ?? _harness.Credential(AgentRole.Generator),
            ["Fabric__BrokerPublicKey"] = brokerPublicKey ?? _harness.PublicKey,
            ["Fabric__HeartbeatInterval"] = BrokerHarness.Interval.ToString(), ["Fabric__Liveness"] = Liveness.ToString(),
        });
        _agents.Add(agent);
        return agent;
    }

    private Task WorkersAsync(int count) =>
        Eventually.Get(() => Task.FromResult(_harness.Registry.Snapshot().Count), n => n == count, Patience, $"{count} generator(s) registering");

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents) await agent.DisposeAsync();
        await _harness.DisposeAsync();
        await _llm.DisposeAsync();
    }
}
