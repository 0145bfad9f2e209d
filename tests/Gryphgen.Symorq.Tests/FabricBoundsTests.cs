using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;

namespace Gryphgen.Symorq.Tests;

/// <summary>What a peer cannot do to the broker, over real sockets: flood it with one huge frame, speak for another's job, reach it from afar.</summary>
public sealed class FabricBoundsTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly BrokerHarness _harness = new();

    public Task InitializeAsync() => _harness.StartAsync(new FabricOptions { Liveness = 50 });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_64_MiB_frame_gets_its_sender_disconnected_unregistered_and_the_broker_keeps_serving()
    {
        using var flooder = new TestWorker(_harness);
        var disconnected = flooder.WatchForDisconnection();
        // A hello the broker would admit, were it small: the frame's size alone is what gets it refused.
        flooder.Send(new FabricMessage
        {
            Hello = new WorkerHello
            {
                Role = AgentRole.Generator, WorkerId = "flooder", Capacity = 1000,
                Credential = _harness.Credential(AgentRole.Generator), Version = new string('x', 64 * 1024 * 1024),
            },
        });

        await disconnected.WaitAsync(Patience);
        using var worker = new TestWorker(_harness);
        worker.Hello(AgentRole.Generator, "legit");
        var outcome = _harness.Broker.RunJobAsync(AgentRole.Generator, BrokerHarness.Work(), null, CancellationToken.None);
        worker.AnswerNextJob("{}", Patience);

        Assert.Equal("legit", (await outcome.WaitAsync(Patience)).WorkerId);
        Assert.Equal(["legit"], _harness.Registry.Snapshot().Select(w => w.Hello.WorkerId));
    }

    [Fact]
    public async Task A_result_from_a_worker_the_job_was_not_sent_to_is_ignored_and_the_real_workers_answer_wins()
    {
        using var first = new TestWorker(_harness);
        using var second = new TestWorker(_harness);
        first.Hello(AgentRole.Analyzer, "first");
        second.Hello(AgentRole.Analyzer, "second");
        await _harness.WorkersAsync(w => w.Count == 2, "both registering");
        var notes = new List<string>();
        var outcome = _harness.Broker.RunJobAsync(AgentRole.Analyzer, BrokerHarness.Work(), new SyncProgress(notes.Add), CancellationToken.None);
        var (holder, intruder, job) = await WhoGotTheJob(first, second);

        intruder.Send(new FabricMessage { Progress = new JobProgress { JobId = job.JobId, Message = "forged" } });
        intruder.Send(new FabricMessage { Result = new JobResult { JobId = job.JobId, Ok = true, ReplyJson = """{"forged": true}""" } });
        // The broker reads one peer's messages in order: once the intruder's pong is back, its forgery has been read.
        var pings = _harness.Broker.PingAllAsync(default, Patience, CancellationToken.None);
        foreach (var worker in new[] { intruder, holder })
        {
            var ping = worker.Receive(FabricMessage.BodyOneofCase.Ping, Patience)!;
            worker.Send(new FabricMessage { Pong = new Pong { PingId = ping.Ping.PingId } });
        }
        Assert.All(await pings.WaitAsync(Patience), answer => Assert.NotNull(answer.Pong));
        Assert.False(outcome.IsCompleted);

        holder.Send(new FabricMessage { Result = new JobResult { JobId = job.JobId, Ok = true, ReplyJson = """{"real": true}""" } });
        var result = await outcome.WaitAsync(Patience);
        Assert.Equal("""{"real": true}""", result.ReplyJson);
        Assert.DoesNotContain("forged", notes);
    }

    [Fact]
    public async Task By_default_the_broker_is_reachable_on_loopback_only_and_wider_when_configured()
    {
        var external = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

        using (var loopback = new TcpClient()) await loopback.ConnectAsync(IPAddress.Loopback, _harness.Port);
        using (var refused = new TcpClient())
        {
            var error = await Assert.ThrowsAsync<SocketException>(() => refused.ConnectAsync(external, _harness.Port));
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        }

        await _harness.StartAsync(new FabricOptions { Liveness = 50, ListenAddress = "*" });
        using var wide = new TcpClient();
        await wide.ConnectAsync(external, _harness.Port);
        Assert.True(wide.Connected);
    }

    /// <summary>Which of two free workers the broker sent its one job to, the other, and the job.</summary>
    private static async Task<(TestWorker Holder, TestWorker Other, JobRequest Job)> WhoGotTheJob(TestWorker a, TestWorker b)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (a.Receive(FabricMessage.BodyOneofCase.Job, TimeSpan.FromMilliseconds(100)) is { } forA) return (a, b, forA.Job);
            if (b.Receive(FabricMessage.BodyOneofCase.Job, TimeSpan.FromMilliseconds(100)) is { } forB) return (b, a, forB.Job);
            await Task.Yield();
        }
        throw new TimeoutException("neither worker got the job");
    }
}
