using System.Collections.Concurrent;
using System.Diagnostics;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.Options;
using NetMQ;
using NetMQ.Sockets;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// SYMORQ's end of the ZeroMQ fabric: a ROUTER socket that agent workers (DEALERs) dial in to. Workers announce
/// their role and capacity, both sides heartbeat, and a worker silent for <see cref="FabricOptions.Expiry"/> is
/// dropped, its jobs going back to their queue. Jobs go to the least recently used free worker of their role; a
/// worker may report progress before its one result, and a cancelled job is cancelled on its worker too.
/// The socket lives on one poller thread; other threads talk to it through <see cref="_commands"/>.
/// </summary>
public sealed class AgentBroker(IOptions<FabricOptions> options, WorkerRegistry registry, TimeProvider time, ILogger<AgentBroker> logger)
    : BackgroundService
{
    private readonly FabricOptions _options = options.Value;
    private readonly JobBoard _jobs = new(options.Value.MaxJobAttempts, options.Value.MaxQueuedJobsPerRole);
    private readonly NetMQQueue<Action<RouterSocket>> _commands = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Pong>> _pendingPings = new();
    private readonly TaskCompletionSource<int> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The TCP port the ROUTER socket is bound to, once it is.</summary>
    public Task<int> BoundPort => _bound.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var router = new RouterSocket();
        router.Options.RouterMandatory = false;
        int port;
        try
        {
            port = _options.Port == 0 ? router.BindRandomPort("tcp://*") : Bind(router, _options.Port);
        }
        catch (Exception ex)
        {
            _bound.TrySetException(ex);
            throw;
        }
        logger.LogInformation("Agent fabric listening on tcp://*:{Port}", port);
        _bound.TrySetResult(port);

        var heartbeat = new NetMQTimer(_options.HeartbeatInterval);
        heartbeat.Elapsed += (_, _) => SendHeartbeatsAndExpire(router);
        router.ReceiveReady += (_, e) => OnReceive(e.Socket);
        _commands.ReceiveReady += (_, e) => { while (e.Queue.TryDequeue(out var command, TimeSpan.Zero)) command(router); };

        using var poller = new NetMQPoller { router, heartbeat, _commands };
        using var stop = stoppingToken.Register(() => poller.Stop());
        poller.Run();
    }

    private static int Bind(RouterSocket router, int port)
    {
        router.Bind($"tcp://*:{port}");
        return port;
    }

    /// <summary>
    /// Asks every live worker to answer within <paramref name="trace"/>; returns each worker with its answer,
    /// or null where none came within <paramref name="timeout"/>.
    /// </summary>
    public async Task<IReadOnlyList<(ConnectedWorker Worker, Pong? Pong)>> PingAllAsync(
        ActivityContext trace, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var workers = registry.Snapshot();
        var pings = workers.Select(w => (Worker: w, Id: Guid.NewGuid().ToString("N"),
            Reply: new TaskCompletionSource<Pong>(TaskCreationOptions.RunContinuationsAsynchronously))).ToList();
        foreach (var ping in pings) _pendingPings[ping.Id] = ping.Reply;

        _commands.Enqueue(router =>
        {
            foreach (var ping in pings)
            {
                var message = new FabricMessage { Ping = new Ping { PingId = ping.Id } }.WithTraceContext(trace);
                router.TrySendMultipartMessage(FabricCodec.Encode(message, ping.Worker.Identity));
            }
        });

        try
        {
            var all = Task.WhenAll(pings.Select(p => p.Reply.Task));
            await Task.WhenAny(all, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
            return [.. pings.Select(p => (p.Worker, p.Reply.Task.IsCompletedSuccessfully ? p.Reply.Task.Result : null))];
        }
        finally
        {
            foreach (var ping in pings) _pendingPings.TryRemove(ping.Id, out _);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a worker of <paramref name="role"/>: waits (up to
    /// <see cref="FabricOptions.JobWaitTimeout"/>) for one to be free, and survives workers dying with it.
    /// Cancelling <paramref name="cancellationToken"/> cancels the job on its worker.
    /// </summary>
    public async Task<JobOutcome> RunJobAsync(AgentRole role, RoleJob work, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var job = new PendingJob(role, work, progress, Activity.Current?.Context ?? default, time.GetUtcNow() + _options.JobWaitTimeout);
        _commands.Enqueue(router =>
        {
            if (!_jobs.Enqueue(job))
            {
                job.Outcome.TrySetException(new JobRejectedException(
                    $"{_options.MaxQueuedJobsPerRole} {role.ToName()} jobs are waiting already; try again later"));
                return;
            }
            Dispatch(router);
        });
        await using var cancel = cancellationToken.Register(() => _commands.Enqueue(router => Cancel(router, job, cancellationToken)));
        return await job.Outcome.Task;
    }

    private void Dispatch(NetMQSocket router)
    {
        foreach (var job in _jobs.Assign(registry.Snapshot()))
        {
            var request = new FabricMessage { Job = new JobRequest { JobId = job.Id, Attempt = (uint)job.Attempts, Work = job.Work } };
            router.TrySendMultipartMessage(FabricCodec.Encode(request.WithTraceContext(job.Trace), job.Worker!.Identity));
            logger.LogDebug("Job {Job} ({Role}, attempt {Attempt}) to worker {Worker}", job.Id, job.Role.ToName(), job.Attempts, job.Worker.Hello.WorkerId);
        }
    }

    private void Cancel(NetMQSocket router, PendingJob job, CancellationToken cancellationToken)
    {
        if (job.Outcome.Task.IsCompleted) return;
        if (job.Worker is { } worker)
            router.TrySendMultipartMessage(FabricCodec.Encode(new FabricMessage { Cancel = new JobCancel { JobId = job.Id } }, worker.Identity));
        _jobs.Remove(job);
        job.Outcome.TrySetCanceled(cancellationToken);
        Dispatch(router);
    }

    private void Complete(NetMQSocket router, JobResult result, ConnectedWorker? worker)
    {
        if (_jobs.Find(result.JobId) is not { } job)
        {
            logger.LogDebug("Result for job {Job}, which is no longer held (cancelled or finished)", result.JobId);
            return;
        }
        _jobs.Remove(job);
        job.Outcome.TrySetResult(new JobOutcome(result.Ok, result.ReplyJson, result.Error, result.InputTokens, result.OutputTokens,
            job.Attempts, worker?.Hello.WorkerId ?? ""));
        Dispatch(router);
    }

    private void WorkerLost(NetMQSocket router, ConnectedWorker worker, string why)
    {
        foreach (var job in _jobs.WorkerLost(worker))
        {
            job.Outcome.TrySetResult(JobOutcome.Failed(
                $"the {job.Role.ToName()} job was tried {job.Attempts} time(s) and every worker running it {why}", job.Attempts));
        }
        Dispatch(router);
    }

    private void OnReceive(NetMQSocket router)
    {
        var frames = new NetMQMessage();
        while (router.TryReceiveMultipartMessage(TimeSpan.Zero, ref frames))
        {
            var decoded = FabricCodec.DecodeFromPeer(frames);
            if (decoded.Message is null)
            {
                logger.LogWarning("Dropped a malformed fabric message from {Peer}: {Error}",
                    decoded.Identity is null ? "?" : WorkerRegistry.KeyOf(decoded.Identity), decoded.Error);
                continue;
            }
            Handle(router, decoded.Identity!, decoded.Message);
        }
    }

    private void Handle(NetMQSocket router, byte[] identity, FabricMessage message)
    {
        switch (message.BodyCase)
        {
            case FabricMessage.BodyOneofCase.Hello:
                if (!message.Hello.Role.IsKnown())
                {
                    logger.LogWarning("Rejected a worker hello without a role from {Peer}", WorkerRegistry.KeyOf(identity));
                    return;
                }
                var worker = registry.Register(identity, message.Hello);
                logger.LogInformation("Agent {Role} worker {WorkerId} on {Host} (pid {Pid}) connected",
                    worker.Role, message.Hello.WorkerId, message.Hello.Host, message.Hello.Pid);
                router.TrySendMultipartMessage(FabricCodec.Encode(new FabricMessage { Heartbeat = new() }, identity));
                Dispatch(router);
                break;
            case FabricMessage.BodyOneofCase.Heartbeat:
                registry.Touch(identity);
                break;
            case FabricMessage.BodyOneofCase.Pong:
                registry.Touch(identity);
                if (_pendingPings.TryRemove(message.Pong.PingId, out var reply)) reply.TrySetResult(message.Pong);
                break;
            case FabricMessage.BodyOneofCase.Progress:
                registry.Touch(identity);
                _jobs.Find(message.Progress.JobId)?.Progress?.Report(message.Progress.Message);
                break;
            case FabricMessage.BodyOneofCase.Result:
                registry.Touch(identity);
                Complete(router, message.Result, registry.Find(identity));
                break;
            case FabricMessage.BodyOneofCase.Bye:
                if (registry.Find(identity) is { } leaving && registry.Remove(identity))
                {
                    logger.LogInformation("Agent worker {Peer} left", leaving.Hello.WorkerId);
                    WorkerLost(router, leaving, "left");
                }
                break;
            default:
                logger.LogWarning("Dropped an unexpected {Kind} from {Peer}", message.BodyCase, WorkerRegistry.KeyOf(identity));
                break;
        }
    }

    private void SendHeartbeatsAndExpire(NetMQSocket router)
    {
        foreach (var dead in registry.RemoveExpired(_options.Expiry))
        {
            logger.LogWarning("Agent {Role} worker {WorkerId} silent for {Expiry}; declared dead",
                dead.Role, dead.Hello.WorkerId, _options.Expiry);
            WorkerLost(router, dead, "died");
        }
        foreach (var overdue in _jobs.RemoveOverdue(time.GetUtcNow()))
        {
            overdue.Outcome.TrySetResult(JobOutcome.Failed(
                $"no {overdue.Role.ToName()} worker took the job within {_options.JobWaitTimeout}", overdue.Attempts));
        }
        var heartbeat = new FabricMessage { Heartbeat = new() };
        foreach (var worker in registry.Snapshot())
        {
            router.TrySendMultipartMessage(FabricCodec.Encode(heartbeat, worker.Identity));
        }
    }
}
