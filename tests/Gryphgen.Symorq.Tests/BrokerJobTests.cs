using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Tests;

/// <summary>Jobs through the broker over real ZeroMQ sockets: dispatch, progress, fairness, waiting, death, cancellation.</summary>
public sealed class BrokerJobTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly WorkerRegistry _registry = new(TimeProvider.System);
    private AgentBroker _broker = null!;
    private int _port;

    public Task InitializeAsync() => StartBroker(new FabricOptions { Liveness = 50 });

    private async Task StartBroker(FabricOptions options)
    {
        if (_broker is not null) await _broker.StopAsync(CancellationToken.None);
        options.Port = 0;
        options.HeartbeatInterval = Interval;
        _broker = new AgentBroker(Options.Create(options), _registry, TimeProvider.System, NullLogger<AgentBroker>.Instance);
        await _broker.StartAsync(CancellationToken.None);
        _port = await _broker.BoundPort.WaitAsync(Patience);
    }

    public async Task DisposeAsync() => await _broker.StopAsync(CancellationToken.None);

    private static RoleJob Work(string title = "t") => new() { TaskId = "task-1", Title = title, Description = "d" };

    [Fact]
    public async Task A_job_reaches_a_worker_of_its_role_and_its_progress_and_reply_come_back()
    {
        using var analyzer = new TestWorker(_port);
        using var generator = new TestWorker(_port);
        analyzer.Hello(AgentRole.Analyzer, "a");
        generator.Hello(AgentRole.Generator, "g");
        var notes = new List<string>();

        var outcome = _broker.RunJobAsync(AgentRole.Generator, Work("write it"), new SyncProgress(notes.Add), CancellationToken.None);
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
        using var first = new TestWorker(_port);
        using var second = new TestWorker(_port);
        first.Hello(AgentRole.Monitor, "first");
        second.Hello(AgentRole.Monitor, "second");
        await Gryphgen.Testing.Eventually.Get(() => Task.FromResult(_registry.Snapshot().Count), n => n == 2, Patience, "registration");

        var one = _broker.RunJobAsync(AgentRole.Monitor, Work(), null, CancellationToken.None);
        var two = _broker.RunJobAsync(AgentRole.Monitor, Work(), null, CancellationToken.None);
        first.AnswerNextJob("{}", Patience);
        second.AnswerNextJob("{}", Patience);

        var workers = new[] { (await one).WorkerId, (await two).WorkerId };
        Assert.Equal(["first", "second"], workers.Order());
    }

    [Fact]
    public async Task A_job_nobody_can_take_waits_until_a_worker_of_its_role_appears()
    {
        var outcome = _broker.RunJobAsync(AgentRole.Optimizer, Work(), null, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(outcome.IsCompleted);

        using var late = new TestWorker(_port);
        late.Hello(AgentRole.Optimizer, "late");
        late.AnswerNextJob("""{"action": "continue"}""", Patience);
        Assert.True((await outcome.WaitAsync(Patience)).Ok);
    }

    [Fact]
    public async Task A_job_nobody_takes_fails_after_the_wait_timeout_with_the_reason()
    {
        await StartBroker(new FabricOptions { Liveness = 50, JobWaitTimeout = TimeSpan.FromMilliseconds(300) });

        var outcome = await _broker.RunJobAsync(AgentRole.Analyzer, Work(), null, CancellationToken.None).WaitAsync(Patience);

        Assert.False(outcome.Ok);
        Assert.Contains("no analyzer worker took the job", outcome.Error);
    }

    [Fact]
    public async Task The_job_of_a_worker_that_dies_is_finished_by_another()
    {
        await StartBroker(new FabricOptions { Liveness = 3 });
        using var doomed = new TestWorker(_port);
        doomed.Hello(AgentRole.Generator, "doomed");
        var outcome = _broker.RunJobAsync(AgentRole.Generator, Work(), null, CancellationToken.None);
        Assert.NotNull(doomed.Receive(FabricMessage.BodyOneofCase.Job, Patience)); // takes it, then falls silent

        using var rescuer = new TestWorker(_port);
        rescuer.Hello(AgentRole.Generator, "rescuer");
        using var beating = new CancellationTokenSource();
        var heartbeats = Task.Run(async () =>
        {
            while (!beating.IsCancellationRequested)
            {
                rescuer.Send(new FabricMessage { Heartbeat = new() });
                await Task.Delay(Interval);
            }
        });
        var job = await Task.Run(() => rescuer.Receive(FabricMessage.BodyOneofCase.Job, Patience));
        await beating.CancelAsync();
        await heartbeats;
        Assert.NotNull(job);
        Assert.Equal(2u, job.Job.Attempt);
        rescuer.Send(new FabricMessage { Result = new JobResult { JobId = job.Job.JobId, Ok = true, ReplyJson = "{}" } });

        var result = await outcome.WaitAsync(Patience);
        Assert.True(result.Ok);
        Assert.Equal(2, result.Attempts);
        Assert.Equal("rescuer", result.WorkerId);
    }

    [Fact]
    public async Task A_job_whose_workers_keep_dying_fails_after_its_attempts_with_the_reason()
    {
        await StartBroker(new FabricOptions { Liveness = 3, MaxJobAttempts = 1 });
        using var doomed = new TestWorker(_port);
        doomed.Hello(AgentRole.Monitor, "doomed");
        var outcome = _broker.RunJobAsync(AgentRole.Monitor, Work(), null, CancellationToken.None);
        Assert.NotNull(doomed.Receive(FabricMessage.BodyOneofCase.Job, Patience));

        var result = await outcome.WaitAsync(Patience);
        Assert.False(result.Ok);
        Assert.Contains("tried 1 time(s) and every worker running it died", result.Error);
    }

    [Fact]
    public async Task Cancelling_a_running_job_tells_its_worker()
    {
        using var worker = new TestWorker(_port);
        worker.Hello(AgentRole.Analyzer, "w");
        using var cancel = new CancellationTokenSource();
        var outcome = _broker.RunJobAsync(AgentRole.Analyzer, Work(), null, cancel.Token);
        var job = worker.Receive(FabricMessage.BodyOneofCase.Job, Patience);
        Assert.NotNull(job);

        await cancel.CancelAsync();

        var stop = worker.Receive(FabricMessage.BodyOneofCase.Cancel, Patience);
        Assert.Equal(job.Job.JobId, stop?.Cancel.JobId);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => outcome.WaitAsync(Patience));
    }

    /// <summary>Reports on the calling thread, so a test sees every note once the job is done.</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
