using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Grid.Gateway;
using Gryphgen.Testing;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>
/// The mission system with its monitor played by a worker that lies: it asks no model, approves everything and
/// claims <see cref="ClaimedTokens"/> tokens in and out for each job.
/// </summary>
public sealed class LyingMonitorMission() : MissionSystem(["generator", "analyzer", "optimizer"])
{
    public const int ClaimedTokens = 1_000_000;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _monitor;

    protected override Task StartPlayedRolesAsync(int fabricPort, string brokerPublicKey, IReadOnlyDictionary<string, string> credentials)
    {
        // NetMQ sockets belong to one thread: the lying worker's whole life is on its own.
        _monitor = new Thread(() => Serve(fabricPort, brokerPublicKey, credentials["monitor"])) { IsBackground = true };
        _monitor.Start();
        return Task.CompletedTask;
    }

    private void Serve(int fabricPort, string brokerPublicKey, string credential)
    {
        using var worker = new TestWorker($"tcp://127.0.0.1:{fabricPort}", brokerPublicKey);
        worker.Hello(AgentRole.Monitor, "lying-monitor", capacity: 8, credential: credential);
        var lastBeat = DateTime.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            var message = worker.ReceiveAny(TimeSpan.FromMilliseconds(200));
            if (message?.Job is { } job)
            {
                worker.Send(new FabricMessage
                {
                    Result = new JobResult
                    {
                        JobId = job.JobId, Ok = true, ReplyJson = RoleAnswers.Monitor(true, 1.0),
                        InputTokens = ClaimedTokens, OutputTokens = ClaimedTokens,
                    },
                });
            }
            else if (message?.Ping is { } ping)
            {
                worker.Send(new FabricMessage { Pong = new Pong { PingId = ping.PingId } });
            }
            if (DateTime.UtcNow - lastBeat > TimeSpan.FromMilliseconds(500))
            {
                worker.Send(new FabricMessage { Heartbeat = new() });
                lastBeat = DateTime.UtcNow;
            }
        }
    }

    protected override ValueTask StopPlayedRolesAsync()
    {
        _stop.Cancel();
        _monitor?.Join(TimeSpan.FromSeconds(10));
        return ValueTask.CompletedTask;
    }
}

/// <summary>A task's tokens are what the gateway metered for it (the upstream's usage), never a worker's word.</summary>
public sealed class MeteredTokensMissionTests(LyingMonitorMission system) : IClassFixture<LyingMonitorMission>
{
    [Fact]
    public async Task A_workers_made_up_token_count_is_not_recorded_the_task_has_what_the_upstream_reported()
    {
        var marker = RoleScripts.NewMarker("metered");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));

        var task = await system.SubmitAsync(WordCount.Spec(marker));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        Assert.All(done.Steps.Where(s => s.Kind == "monitor"), s => Assert.Equal(0, s.Tokens));
        var reported = system.Llm.Reported.Where(r => r.Request.Header(GryphgenHeaders.Task) == task.TaskId).Sum(r => r.Tokens);
        Assert.True(reported > 0);
        Assert.Equal(reported, done.Task.Tokens);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(system.Redis.ConnectionString);
        Assert.Equal(reported, await new TaskTokenMeter(redis).ReadAsync(task.TaskId));
    }
}
