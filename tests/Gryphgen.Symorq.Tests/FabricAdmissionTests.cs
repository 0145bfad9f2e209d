using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;

namespace Gryphgen.Symorq.Tests;

/// <summary>Who the broker admits, over real ZeroMQ sockets: only workers with a credential enrolled for their role.</summary>
public sealed class FabricAdmissionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly BrokerHarness _harness = new();

    public Task InitializeAsync() => _harness.StartAsync(new FabricOptions { Liveness = 50 });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_rogue_generator_without_a_valid_credential_gets_no_frame_and_no_job_while_an_enrolled_one_gets_them_all()
    {
        using var without = new TestWorker(_harness);
        using var wrong = new TestWorker(_harness);
        using var otherRole = new TestWorker(_harness);
        without.Hello(AgentRole.Generator, "rogue-none", capacity: 1000, credential: "");
        wrong.Hello(AgentRole.Generator, "rogue-wrong", capacity: 1000, credential: "generator-not-the-enrolled-credential");
        otherRole.Hello(AgentRole.Generator, "rogue-analyzer", capacity: 1000, credential: _harness.Credential(AgentRole.Analyzer));
        TestWorker[] rogues = [without, wrong, otherRole];
        using var enrolled = new TestWorker(_harness);
        enrolled.Hello(AgentRole.Generator, "enrolled");
        await _harness.WorkersAsync(w => w.Count == 1, "the enrolled worker registering");

        var jobs = Enumerable.Range(0, 3).Select(_ => _harness.Broker.RunJobAsync(AgentRole.Generator, BrokerHarness.Work(), null, CancellationToken.None)).ToList();
        var pings = _harness.Broker.PingAllAsync(default, TimeSpan.FromSeconds(1), CancellationToken.None);
        var arrivals = 0;
        foreach (var _ in jobs)
        {
            enrolled.AnswerNextJob("{}", Patience);
            foreach (var rogue in rogues)
            {
                rogue.Send(new FabricMessage { Heartbeat = new() });
                arrivals += rogue.CountArrivals(BrokerHarness.Interval);
            }
        }

        Assert.All(await Task.WhenAll(jobs).WaitAsync(Patience), outcome => Assert.Equal("enrolled", outcome.WorkerId));
        Assert.Equal(["enrolled"], (await pings).Select(p => p.Worker.Hello.WorkerId));
        arrivals += rogues.Sum(rogue => rogue.CountArrivals(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(0, arrivals);
        Assert.Equal(["enrolled"], _harness.Registry.Snapshot().Select(w => w.Hello.WorkerId));
    }

    [Fact]
    public async Task An_enrolled_worker_gets_jobs_until_its_credential_is_revoked_and_then_none_and_no_readmission()
    {
        const string credential = "enrolled-remote-credential-0123456789";
        _harness.Enrollment.Enrolled([new EnrolledCredential("remote-analyzer", AgentRole.Analyzer, WorkerEnrollment.Digest(credential))]);
        using var remote = new TestWorker(_harness);
        remote.Hello(AgentRole.Analyzer, "remote", credential: credential);
        await _harness.WorkersAsync(w => w.Any(x => x is { Enrollment: "remote-analyzer", Hello.WorkerId: "remote" }), "the enrolled worker registering");
        var first = _harness.Broker.RunJobAsync(AgentRole.Analyzer, BrokerHarness.Work(), null, CancellationToken.None);
        remote.AnswerNextJob("{}", Patience);
        Assert.Equal("remote", (await first.WaitAsync(Patience)).WorkerId);

        _harness.Enrollment.Enrolled([]);
        var second = _harness.Broker.RunJobAsync(AgentRole.Analyzer, BrokerHarness.Work(), null, CancellationToken.None);
        using (var stop = new CancellationTokenSource())
        {
            // Kept alive, the worker could only leave the registry by the revocation.
            var alive = remote.KeepAliveAsync(stop.Token);
            _harness.Broker.DropRevoked();
            await _harness.WorkersAsync(w => w.Count == 0, "the revoked worker dropped");
            await stop.CancelAsync();
            await alive;
        }
        remote.Hello(AgentRole.Analyzer, "remote", credential: credential);
        using var configured = new TestWorker(_harness);
        configured.Hello(AgentRole.Analyzer, "configured");
        configured.AnswerNextJob("{}", Patience);

        Assert.Equal("configured", (await second.WaitAsync(Patience)).WorkerId);
        Assert.Null(remote.Receive(FabricMessage.BodyOneofCase.Job, TimeSpan.FromSeconds(1)));
        Assert.Equal(["configured"], _harness.Registry.Snapshot().Select(w => w.Hello.WorkerId));
    }

    [Fact]
    public async Task A_thousand_bad_hellos_from_a_hundred_peers_leave_the_registry_empty()
    {
        var peers = Enumerable.Range(0, 100).Select(_ => new TestWorker(_harness)).ToList();
        try
        {
            for (var round = 0; round < 10; round++)
            {
                foreach (var (peer, i) in peers.Select((p, i) => (p, i)))
                    peer.Hello(AgentRole.Generator, $"flood-{i}-{round}", capacity: 1000, credential: $"guess-{i}-{round}-0123456789abcdef");
            }
            using var enrolled = new TestWorker(_harness);
            enrolled.Hello(AgentRole.Monitor, "after-the-flood");
            await _harness.WorkersAsync(w => w.Count > 0, "the enrolled worker registering");
            foreach (var peer in peers) peer.Send(new FabricMessage { Heartbeat = new() });
            var job = _harness.Broker.RunJobAsync(AgentRole.Monitor, BrokerHarness.Work(), null, CancellationToken.None);
            enrolled.AnswerNextJob("{}", Patience);
            await job.WaitAsync(Patience);

            Assert.Equal(0, peers.Sum(peer => peer.CountArrivals(TimeSpan.FromMilliseconds(20))));
            Assert.Equal(["after-the-flood"], _harness.Registry.Snapshot().Select(w => w.Hello.WorkerId));
        }
        finally
        {
            peers.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task Enrolled_workers_beyond_the_per_role_cap_are_refused()
    {
        await _harness.StartAsync(new FabricOptions { Liveness = 50, MaxWorkersPerRole = 2 });
        var workers = Enumerable.Range(0, 4).Select(_ => new TestWorker(_harness)).ToList();
        try
        {
            foreach (var (worker, i) in workers.Select((w, i) => (w, i))) worker.Hello(AgentRole.Analyzer, $"analyzer-{i}");
            using var other = new TestWorker(_harness);
            other.Hello(AgentRole.Optimizer, "optimizer");

            await _harness.WorkersAsync(w => w.Any(x => x.Role == "optimizer") && w.Count(x => x.Role == "analyzer") == 2, "two analyzers and the optimizer");

            // The two admitted analyzers hear greetings and heartbeats; the two refused ones hear nothing.
            Assert.Equal(2, workers.Count(w => w.CountArrivals(TimeSpan.FromMilliseconds(500)) > 0));
            Assert.Equal(2, _harness.Registry.Snapshot().Count(w => w.Role == "analyzer"));
            Assert.Equal(3, _harness.Registry.Snapshot().Count);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }
}
