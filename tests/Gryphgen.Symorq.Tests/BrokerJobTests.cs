using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;

namespace Gryphgen.Symorq.Tests;

/// <summary>Jobs through the broker over real ZeroMQ sockets: dispatch, progress, fairness, waiting, death, cancellation.</summary>
public sealed class BrokerJobTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly BrokerHarness _harness = new();

    public Task InitializeAsync() => StartBroker(new FabricOptions { Liveness = 50 });

    private Task StartBroker(FabricOptions options) => _harness.StartAsync(options);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_job_reaches_a_worker_of_its_role_and_its_progress_and_reply_come_back()
    {
        using var analyzer = new TestWorker(_harness);
        using var generator = new TestWorker(_harness);
        analyzer.Hello(AgentRole.Analyzer, "a");
        generator.Hello(AgentRole.Generator, "g");
        var notes = new List<string>();

        var outcome = _harness.Broker.RunJobAsync(AgentRole.Generator, BrokerHarness.Work("write it"), new SyncProgress(notes.Add), CancellationToken.None);
        var job = generator.AnswerNextJob("""{"files": [], "summary": "done"}""", Patience);

        var result = await outcome.WaitAsync(Patience);
        Assert.True(result.Ok);
        Assert.Equal("""{"files": [], "summary": "done"}""", result.ReplyJson);
        Assert.Equal("write it", job.Work.Title);
        Assert.Equal(1u, job.Attempt);
        Assert.Equal("g", result.WorkerId);
        Assert.Equal(["working"], notes);
        Assert.Null(analyzer.Receive(FabricMessage.BodyOneofCase.Job, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Jobs_go_to_the_least_recently_used_free_worker()
    {
        using var first = new TestWorker(_harness);
        using var second = new TestWorker(_harness);
        first.Hello(AgentRole.Monitor, "first");
        second.Hello(AgentRole.Monitor, "second");
        await Gryphgen.Testing.Eventually.Get(() => Task.FromResult(_harness.Registry.Snapshot().Count), n => n == 2, Patience, "registration");

        // One job at a time, so both workers are free each time: only the choice between them can alternate.
        var winners = new List<string>();
        for (var i = 0; i < 3; i++) winners.Add(await RunOneAsync());

        Assert.NotEqual(winners[0], winners[1]); // the worker that just finished is not the least recently used
        Assert.Equal(winners[0], winners[2]);

        async Task<string> RunOneAsync()
        {
            var outcome = _harness.Broker.RunJobAsync(AgentRole.Monitor, BrokerHarness.Work(), null, CancellationToken.None);
            var deadline = DateTime.UtcNow + Patience;
            while (!outcome.IsCompleted && DateTime.UtcNow < deadline)
            {
                foreach (var worker in new[] { first, second }) worker.TryAnswerNextJob("{}", TimeSpan.FromMilliseconds(100));
            }
            return (await outcome.WaitAsync(Patience)).WorkerId;
        }
    }

    [Fact]
    public async Task A_job_nobody_can_take_waits_until_a_worker_of_its_role_appears()
    {
        var outcome = _harness.Broker.RunJobAsync(AgentRole.Optimizer, BrokerHarness.Work(), null, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(outcome.IsCompleted);

        using var late = new TestWorker(_harness);
        late.Hello(AgentRole.Optimizer, "late");
        late.AnswerNextJob("""{"action": "continue"}""", Patience);
        Assert.True((await outcome.WaitAsync(Patience)).Ok);
    }

    [Fact]
    public async Task A_job_nobody_takes_fails_after_the_wait_timeout_with_the_reason()
    {
        await StartBroker(new FabricOptions { Liveness = 50, JobWaitTimeout = TimeSpan.FromMilliseconds(300) });

        var outcome = await _harness.Broker.RunJobAsync(AgentRole.Analyzer, BrokerHarness.Work(), null, CancellationToken.None).WaitAsync(Patience);

        Assert.False(outcome.Ok);
        Assert.Equal(0, outcome.Attempts); // never dispatched: it timed out waiting
        Assert.Contains("analyzer", outcome.Error);
    }

    [Fact]
    public async Task The_job_of_a_worker_that_dies_is_finished_by_another()
    {
        // Three seconds of silence: the rescuer, answering without heartbeats, must not be presumed dead meanwhile.
        await StartBroker(new FabricOptions { Liveness = 30 });
        using var doomed = new TestWorker(_harness);
        doomed.Hello(AgentRole.Generator, "doomed");
        var outcome = _harness.Broker.RunJobAsync(AgentRole.Generator, BrokerHarness.Work(), null, CancellationToken.None);
        Assert.NotNull(doomed.Receive(FabricMessage.BodyOneofCase.Job, Patience)); // takes it, then falls silent

        await Gryphgen.Testing.Eventually.Get(() => Task.FromResult(_harness.Registry.Snapshot()), w => w.Count == 0, Patience,
            "the silent worker being declared dead");

        // A socket is used from one thread only, so the rescuer answers at once instead of heartbeating meanwhile.
        using var rescuer = new TestWorker(_harness);
        rescuer.Hello(AgentRole.Generator, "rescuer");
        var job = rescuer.AnswerNextJob("{}", Patience);
        Assert.Equal(2u, job.Attempt);

        var result = await outcome.WaitAsync(Patience);
        Assert.True(result.Ok);
        Assert.Equal(2, result.Attempts);
        Assert.Equal("rescuer", result.WorkerId);
    }

    [Fact]
    public async Task A_job_whose_workers_keep_dying_fails_after_its_attempts_with_the_reason()
    {
        await StartBroker(new FabricOptions { Liveness = 3, MaxJobAttempts = 1 });
        using var doomed = new TestWorker(_harness);
        doomed.Hello(AgentRole.Monitor, "doomed");
        var outcome = _harness.Broker.RunJobAsync(AgentRole.Monitor, BrokerHarness.Work(), null, CancellationToken.None);
        Assert.NotNull(doomed.Receive(FabricMessage.BodyOneofCase.Job, Patience));

        var result = await outcome.WaitAsync(Patience);
        Assert.False(result.Ok);
        Assert.Equal(1, result.Attempts); // dispatched once, to the worker that died, and not again
        Assert.Equal("", result.WorkerId);
    }

    [Fact]
    public async Task Cancelling_a_running_job_tells_its_worker()
    {
        using var worker = new TestWorker(_harness);
        worker.Hello(AgentRole.Analyzer, "w");
        using var cancel = new CancellationTokenSource();
        var outcome = _harness.Broker.RunJobAsync(AgentRole.Analyzer, BrokerHarness.Work(), null, cancel.Token);
        var job = worker.Receive(FabricMessage.BodyOneofCase.Job, Patience);
        Assert.NotNull(job);

        await cancel.CancelAsync();

        var stop = worker.Receive(FabricMessage.BodyOneofCase.Cancel, Patience);
        Assert.Equal(job.Job.JobId, stop?.Cancel.JobId);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => outcome.WaitAsync(Patience));
    }
}
