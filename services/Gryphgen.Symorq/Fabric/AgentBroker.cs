using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.Options;
using NetMQ;
using NetMQ.Sockets;
using Gryphgen.Fabric;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// SYMORQ's end of the ZeroMQ fabric: a CURVE-encrypted ROUTER socket that agent workers (DEALERs) dial in to.
/// Workers announce their role, capacity and enrollment credential; a peer whose credential does not admit it to the
/// role it claims is sent nothing and changes nothing (see <see cref="Handle"/>). Both sides heartbeat, and a worker
/// silent for <see cref="FabricOptions.Expiry"/> is dropped, its jobs going back to their queue. Jobs go to the least
/// recently used free worker of their role; a worker may report progress before its one result, and a cancelled job
/// is cancelled on its worker too. A worker that dials again keeps its jobs (see <see cref="Admit"/>). The socket lives on one poller thread; other threads talk to it through
/// <see cref="_commands"/>.
/// </summary>
public sealed class AgentBroker(IOptions<FabricOptions> options, WorkerRegistry registry, WorkerEnrollment enrollment, TimeProvider time,
    ILogger<AgentBroker> logger) : BackgroundService
{
    /// <summary>How much of a text a peer wrote (worker id, host, version, job id) is kept for logs and status.</summary>
    private const int MaxPeerTextLength = 128;

    private readonly FabricOptions _options = options.Value;
    private readonly JobBoard _jobs = new(options.Value.MaxJobAttempts, options.Value.MaxQueuedJobsPerRole);
    private readonly NetMQCertificate _certificate = options.Value.CurveSecretKey.Length > 0
        ? NetMQCertificate.CreateFromSecretKey(options.Value.CurveSecretKey) : new NetMQCertificate();
    private readonly NetMQQueue<Action<RouterSocket>> _commands = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Pong>> _pendingPings = new();
    private readonly TaskCompletionSource<int> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The TCP port the ROUTER socket is bound to, once it is.</summary>
    public Task<int> BoundPort => _bound.Task;

    /// <summary>The broker's CURVE public key (Z85), which a worker must be given to reach it.</summary>
    public string PublicKey => _certificate.PublicKeyZ85;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var router = new RouterSocket();
        router.Options.RouterMandatory = false;
        // NetMQ drops the connection of a peer whose frame is larger, before reading it into memory.
        router.Options.MaxMsgSize = _options.MaxMessageBytes;
        // CURVE: every connection is encrypted to this key pair, so only a worker given its public key can talk to
        // the broker, and nobody else can read or pose as it. NetMQ has no ZAP handler to vet clients here: the
        // hello's enrollment credential, sent inside the encrypted channel, is the client's authentication.
        router.Options.CurveServer = true;
        router.Options.CurveCertificate = _certificate;
        var address = Address(router, _options.ListenAddress);
        int port;
        try
        {
            port = _options.Port == 0 ? router.BindRandomPort(address) : Bind(router, address, _options.Port);
        }
        catch (Exception ex)
        {
            _bound.TrySetException(ex);
            throw;
        }
        logger.LogInformation("Agent fabric listening on {Address}:{Port} (CURVE public key {PublicKey}), admitting workers of: {Roles}",
            address, port, _certificate.PublicKeyZ85,
            string.Join(", ", enrollment.Roles.Select(r => r.ToName()).DefaultIfEmpty("no role (no credentials configured)")));
        _bound.TrySetResult(port);

        var heartbeat = new NetMQTimer(_options.HeartbeatInterval);
        heartbeat.Elapsed += (_, _) => SendHeartbeatsAndExpire(router);
        router.ReceiveReady += (_, e) => OnReceive(e.Socket);
        _commands.ReceiveReady += (_, e) => { while (e.Queue.TryDequeue(out var command, TimeSpan.Zero)) command(router); };

        using var poller = new NetMQPoller { router, heartbeat, _commands };
        using var stop = stoppingToken.Register(() => poller.Stop());
        poller.Run();
    }

    private static int Bind(RouterSocket router, string address, int port)
    {
        router.Bind($"{address}:{port}");
        return port;
    }

    /// <summary>The endpoint to bind without its port; an IPv6 address also lets the socket use IPv6.</summary>
    private static string Address(RouterSocket router, string listen)
    {
        if (listen == "*") return "tcp://*";
        var ip = IPAddress.Parse(listen);
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return $"tcp://{ip}";
        router.Options.IPv4Only = false;
        return $"tcp://[{ip}]";
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

    /// <summary>
    /// Drops the workers whose enrolled credential has been revoked, their jobs going back to their queue. Until this
    /// runs they get no job anyway (see <see cref="Dispatch"/>).
    /// </summary>
    public void DropRevoked() => _commands.Enqueue(router =>
    {
        foreach (var worker in registry.Snapshot().Where(w => !enrollment.InForce(w)))
        {
            if (!registry.Remove(worker.Identity)) continue;
            logger.LogWarning("Agent {Role} worker {WorkerId} dropped: its credential {Credential} was revoked",
                worker.Role, worker.Hello.WorkerId, worker.Enrollment);
            WorkerLost(router, worker, "was revoked");
        }
    });

    private void Dispatch(NetMQSocket router)
    {
        // A worker whose credential was revoked a moment ago gets no job, even before DropRevoked has run.
        foreach (var job in _jobs.Assign([.. registry.Snapshot().Where(enrollment.InForce)]))
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

    private void Complete(NetMQSocket router, JobResult result, ConnectedWorker worker)
    {
        if (RunningOn(worker, result.JobId) is not { } job) return;
        _jobs.Remove(job);
        job.Outcome.TrySetResult(new JobOutcome(result.Ok, result.ReplyJson, result.Error, result.InputTokens, result.OutputTokens,
            job.Attempts, worker.Hello.WorkerId, result.Unavailable));
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

    /// <summary>
    /// A hello is the only message a stranger may send; anything else from a peer that has not been admitted is
    /// dropped unanswered, so a peer learns nothing and holds no state until it has enrolled.
    /// </summary>
    private void Handle(NetMQSocket router, byte[] identity, FabricMessage message)
    {
        if (message.BodyCase == FabricMessage.BodyOneofCase.Hello)
        {
            Admit(router, identity, message.Hello);
            return;
        }
        if (registry.Find(identity) is not { } worker) return;
        registry.Touch(identity);
        switch (message.BodyCase)
        {
            case FabricMessage.BodyOneofCase.Heartbeat:
                break;
            case FabricMessage.BodyOneofCase.Pong:
                if (_pendingPings.TryRemove(message.Pong.PingId, out var reply)) reply.TrySetResult(message.Pong);
                break;
            case FabricMessage.BodyOneofCase.Progress:
                if (RunningOn(worker, message.Progress.JobId) is { } progressing) progressing.Progress?.Report(message.Progress.Message);
                break;
            case FabricMessage.BodyOneofCase.Result:
                Complete(router, message.Result, worker);
                break;
            case FabricMessage.BodyOneofCase.Bye:
                if (registry.Remove(identity))
                {
                    logger.LogInformation("Agent worker {Peer} left", worker.Hello.WorkerId);
                    WorkerLost(router, worker, "left");
                }
                break;
            default:
                logger.LogWarning("Dropped an unexpected {Kind} from {Peer}", message.BodyCase, worker.Hello.WorkerId);
                break;
        }
    }

    /// <summary>Admits a peer whose credential is enrolled for the role it claims, while the role has room.</summary>
    private void Admit(NetMQSocket router, byte[] identity, WorkerHello hello)
    {
        var claimed = PeerText(hello.WorkerId);
        if (!hello.Role.IsKnown() || !enrollment.Admits(hello.Role, hello.Credential, out var enrolledAs))
        {
            logger.LogWarning("Refused a hello from {Peer} (worker id '{WorkerId}', role {Role}): no valid credential for that role",
                WorkerRegistry.KeyOf(identity), claimed, hello.Role);
            return;
        }
        // What the registry keeps is shown in logs and status: peer text made printable, and the secret not kept at all.
        var admitted = new WorkerHello(hello)
        {
            Credential = "", WorkerId = claimed, Host = PeerText(hello.Host), Version = PeerText(hello.Version),
        };
        // A worker dialling again (its DEALER has a new identity) is the same worker: it keeps its jobs, and their
        // results (which it sends again after this hello) are taken. Only a peer with the same credential can say so.
        var earlier = registry.Earlier(identity, admitted, enrolledAs);
        if (earlier is not null) registry.Remove(earlier.Identity);
        if (registry.Register(identity, admitted, _options.MaxWorkersPerRole, enrolledAs) is not { } worker)
        {
            logger.LogWarning("Refused {Role} worker {WorkerId}: the role has {Max} workers already (Fabric:MaxWorkersPerRole)",
                hello.Role.ToName(), claimed, _options.MaxWorkersPerRole);
            if (earlier is not null) WorkerLost(router, earlier, "reconnected and was refused");
            return;
        }
        if (earlier is not null) _jobs.Reconnected(earlier, worker);
        logger.LogInformation("Agent {Role} worker {WorkerId} on {Host} (pid {Pid}) {Connected} with {Credential}",
            worker.Role, admitted.WorkerId, admitted.Host, admitted.Pid, earlier is null ? "connected" : "reconnected",
            enrolledAs is null ? "the configured credential" : $"enrolled credential {enrolledAs}");
        router.TrySendMultipartMessage(FabricCodec.Encode(new FabricMessage { Heartbeat = new() }, identity));
        Dispatch(router);
    }

    /// <summary>The job <paramref name="jobId"/> if it was sent to <paramref name="worker"/>; only that worker may speak for it.</summary>
    private PendingJob? RunningOn(ConnectedWorker worker, string jobId)
    {
        if (_jobs.Find(jobId) is not { } job)
        {
            logger.LogDebug("A message about job '{Job}', which is no longer held (cancelled or finished)", PeerText(jobId));
            return null;
        }
        if (job.Worker?.Key == worker.Key) return job;
        logger.LogWarning("Ignored a message about job '{Job}' from worker {WorkerId}, which does not run it",
            PeerText(jobId), worker.Hello.WorkerId);
        return null;
    }

    private static string PeerText(string text) => Gryphgen.Contracts.PrintableText.Line(text, MaxPeerTextLength);

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
                $"no {overdue.Role.ToName()} worker took the job within {_options.JobWaitTimeout}", overdue.Attempts, unavailable: true));
        }
        var heartbeat = new FabricMessage { Heartbeat = new() };
        foreach (var worker in registry.Snapshot())
        {
            router.TrySendMultipartMessage(FabricCodec.Encode(heartbeat, worker.Identity));
        }
    }
}
