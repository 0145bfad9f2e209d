using System.Diagnostics;
using System.Text;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;
using Gryphgen.Fabric;

namespace Gryphgen.Symorq.Tests;

/// <summary>The broker over real ZeroMQ sockets: registration, heartbeats, expiry, pings in a trace, bad frames.</summary>
public sealed class AgentBrokerTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = BrokerHarness.Interval;
    private readonly BrokerHarness _harness = new();

    // Patient by default (a worker driven by hand does not heartbeat): a minute of silence.
    public Task InitializeAsync() => StartBroker(liveness: 600);

    private Task StartBroker(int liveness) => _harness.StartAsync(new FabricOptions { Liveness = liveness });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task<IReadOnlyList<ConnectedWorker>> WorkersWhere(Func<IReadOnlyList<ConnectedWorker>, bool> done, string what) =>
        _harness.WorkersAsync(done, what);

    [Fact]
    public async Task A_worker_that_says_hello_is_registered_with_its_role_and_greeted()
    {
        using var worker = new TestWorker(_harness);
        worker.Hello(AgentRole.Analyzer, "w-analyzer");

        var workers = await WorkersWhere(w => w.Count == 1, "registration");
        Assert.Equal("analyzer", workers[0].Role);
        Assert.Equal("w-analyzer", workers[0].Hello.WorkerId);
        Assert.NotNull(worker.Receive(FabricMessage.BodyOneofCase.Heartbeat, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_silent_worker_is_declared_dead_after_liveness_intervals_while_a_heartbeating_one_stays()
    {
        // Five seconds of silence (fifty intervals): short enough to see, long enough that a heartbeat loop delayed by
        // a busy two-core machine does not expire the living worker too.
        await StartBroker(liveness: 50);
        using var silent = new TestWorker(_harness);
        using var alive = new TestWorker(_harness);
        silent.Hello(AgentRole.Generator, "silent");
        alive.Hello(AgentRole.Monitor, "alive");
        await WorkersWhere(w => w.Count == 2, "both registering");

        using var beating = new CancellationTokenSource();
        var heartbeats = Task.Run(async () =>
        {
            while (!beating.IsCancellationRequested)
            {
                alive.Send(new FabricMessage { Heartbeat = new() });
                await Task.Delay(Interval);
            }
        });

        var workers = await WorkersWhere(w => w.Count == 1, "the silent worker expiring");
        Assert.Equal("alive", workers[0].Hello.WorkerId);
        await beating.CancelAsync();
        await heartbeats;
    }

    [Fact]
    public async Task A_ping_reaches_each_worker_inside_the_callers_trace_and_its_pong_comes_back()
    {
        using var worker = new TestWorker(_harness);
        worker.Hello(AgentRole.Optimizer, "pinged");
        await WorkersWhere(w => w.Count == 1, "registration");
        var trace = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        var pings = _harness.Broker.PingAllAsync(trace, TimeSpan.FromSeconds(30), CancellationToken.None);
        var ping = worker.Receive(FabricMessage.BodyOneofCase.Ping, TimeSpan.FromSeconds(30));
        Assert.NotNull(ping);
        Assert.Equal(trace.TraceId, ping.ExtractTraceContext().TraceId);
        worker.Send(new FabricMessage { Pong = new Pong { PingId = ping.Ping.PingId, TraceId = trace.TraceId.ToHexString() } });

        var answer = Assert.Single(await pings);
        Assert.Equal(trace.TraceId.ToHexString(), answer.Pong?.TraceId);
    }

    [Fact]
    public async Task A_worker_that_does_not_answer_a_ping_is_reported_without_a_pong()
    {
        using var worker = new TestWorker(_harness);
        worker.Hello(AgentRole.Generator, "mute");
        await WorkersWhere(w => w.Count == 1, "registration");

        var answer = Assert.Single(await _harness.Broker.PingAllAsync(default, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.Null(answer.Pong);
    }

    [Fact]
    public async Task Malformed_frames_are_dropped_without_disturbing_other_workers()
    {
        using var good = new TestWorker(_harness);
        using var bad = new TestWorker(_harness);
        good.Hello(AgentRole.Generator, "good");
        await WorkersWhere(w => w.Count == 1, "registration");

        bad.SendRaw(Encoding.ASCII.GetBytes("not the protocol"));
        bad.SendRaw(Encoding.ASCII.GetBytes("GRYPHGEN-FABRIC/0"), [1, 2, 3]);
        bad.SendRaw(Encoding.ASCII.GetBytes(FabricCodec.ProtocolHeader), [0xFF, 0xFF, 0xFF, 0xFF]);
        bad.SendRaw(Encoding.ASCII.GetBytes(FabricCodec.ProtocolHeader), []);
        bad.Send(new FabricMessage { Hello = new WorkerHello { Role = AgentRole.Unspecified, WorkerId = "no-role" } });

        var pong = _harness.Broker.PingAllAsync(default, TimeSpan.FromSeconds(30), CancellationToken.None);
        var ping = good.Receive(FabricMessage.BodyOneofCase.Ping, TimeSpan.FromSeconds(30));
        Assert.NotNull(ping);
        good.Send(new FabricMessage { Pong = new Pong { PingId = ping.Ping.PingId } });
        Assert.NotNull(Assert.Single(await pong).Pong);
        Assert.Equal(["good"], _harness.Registry.Snapshot().Select(w => w.Hello.WorkerId));
    }

    [Fact]
    public async Task A_worker_that_says_bye_is_removed_at_once()
    {
        using var worker = new TestWorker(_harness);
        worker.Hello(AgentRole.Monitor, "leaving");
        await WorkersWhere(w => w.Count == 1, "registration");

        worker.Send(new FabricMessage { Bye = new() });
        await WorkersWhere(w => w.Count == 0, "removal");
    }
}
