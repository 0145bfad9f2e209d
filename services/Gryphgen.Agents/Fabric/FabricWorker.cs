using System.Collections.Concurrent;
using System.Diagnostics;
using Gryphgen.Agents.Roles;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.Options;
using NetMQ;
using NetMQ.Sockets;
using Gryphgen.Fabric;

namespace Gryphgen.Agents.Fabric;

/// <summary>
/// The agent's end of the ZeroMQ fabric: a DEALER that dials SYMORQ's broker over CURVE (encrypted to the broker's
/// public key, so it talks to nobody else), says hello with its role and enrollment credential, and heartbeats. When
/// the broker stays silent for <see cref="FabricClientOptions.Liveness"/> intervals — down, or refusing the
/// credential, which looks the same from here — the worker drops the socket and dials again with exponential
/// back-off (the Paranoid Pirate pattern). Jobs run on the thread pool through the role's <see cref="IRoleAgent"/>;
/// their progress and results go back through an outbox queue, since only the poller thread may touch the socket.
/// A result is also kept (<see cref="FinishedJobs"/>) and sent again after the next hello when its connection may
/// have been dead already, so a job finished across a disconnection is delivered, not run again.
/// </summary>
public sealed class FabricWorker(IOptions<AgentOptions> agent, IOptions<FabricClientOptions> fabric,
    IEnumerable<IRoleAgent> roleAgents, ILogger<FabricWorker> logger) : BackgroundService
{
    private readonly string _workerId = Guid.NewGuid().ToString("N")[..12];
    // The client's own CURVE key pair; the broker does not know it in advance (the credential identifies the worker).
    private readonly NetMQCertificate _certificate = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new();
    private readonly FinishedJobs _finished = new();
    // When the broker was last heard from, on any connection (a Stopwatch timestamp; 0: never).
    private long _lastHeard;
    private NetMQQueue<FabricMessage>? _outbox;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        var options = fabric.Value;
        var delay = options.ReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var heardFromBroker = RunConnection(options, stoppingToken);
            if (stoppingToken.IsCancellationRequested) break;
            delay = heardFromBroker ? options.ReconnectDelay : Min(delay * 2, options.MaxReconnectDelay);
            logger.LogWarning("Broker at {Endpoint} silent; reconnecting in {Delay}", options.Endpoint, delay);
            stoppingToken.WaitHandle.WaitOne(delay);
        }
    }

    /// <summary>One connection's life; returns whether the broker ever answered on it.</summary>
    private bool RunConnection(FabricClientOptions options, CancellationToken stoppingToken)
    {
        using var dealer = new DealerSocket();
        dealer.Options.Linger = TimeSpan.Zero;
        dealer.Options.CurveServerKey = NetMQCertificate.FromPublicKey(options.BrokerPublicKey).PublicKey;
        dealer.Options.CurveCertificate = _certificate;
        dealer.Connect(options.Endpoint);
        dealer.SendMultipartMessage(FabricCodec.Encode(new FabricMessage { Hello = Hello() }));
        logger.LogInformation("Agent {Role} worker {WorkerId} dialled {Endpoint}", agent.Value.Role, _workerId, options.Endpoint);
        Resend(dealer, options);

        var liveness = options.Liveness;
        var heardFromBroker = false;
        var heartbeat = new NetMQTimer(options.HeartbeatInterval);
        using var outbox = new NetMQQueue<FabricMessage>();
        outbox.ReceiveReady += (_, e) =>
        {
            while (e.Queue.TryDequeue(out var message, TimeSpan.Zero)) dealer.SendMultipartMessage(FabricCodec.Encode(message));
        };
        _outbox = outbox;
        using var poller = new NetMQPoller { dealer, heartbeat, outbox };
        dealer.ReceiveReady += (_, e) =>
        {
            var frames = new NetMQMessage();
            while (e.Socket.TryReceiveMultipartMessage(TimeSpan.Zero, ref frames))
            {
                liveness = options.Liveness;
                heardFromBroker = true;
                Volatile.Write(ref _lastHeard, Stopwatch.GetTimestamp());
                Handle(e.Socket, FabricCodec.Decode(frames));
            }
        };
        heartbeat.Elapsed += (_, _) =>
        {
            if (--liveness <= 0)
            {
                poller.Stop();
                return;
            }
            dealer.SendMultipartMessage(FabricCodec.Encode(new FabricMessage { Heartbeat = new() }));
        };
        using var stop = stoppingToken.Register(() => poller.Stop());
        poller.Run();
        _outbox = null;

        if (stoppingToken.IsCancellationRequested)
        {
            dealer.TrySendMultipartMessage(FabricCodec.Encode(new FabricMessage { Bye = new() }));
        }
        return heardFromBroker;
    }

    /// <summary>
    /// Sends again, after the hello, the results finished since shortly before the broker was last heard from: the
    /// broker may have gone silent before they reached it (a window of one liveness period), or they were finished
    /// with no connection at all. The broker takes a result only from the worker it gave the job to and once.
    /// </summary>
    private void Resend(NetMQSocket dealer, FabricClientOptions options)
    {
        var lastHeard = Volatile.Read(ref _lastHeard);
        if (lastHeard == 0) return;
        var window = (long)((options.HeartbeatInterval * options.Liveness).TotalSeconds * Stopwatch.Frequency);
        foreach (var result in _finished.Since(lastHeard - window))
        {
            dealer.SendMultipartMessage(FabricCodec.Encode(new FabricMessage { Result = result }));
            logger.LogInformation("Sent job {Job}'s result again after reconnecting", result.JobId);
        }
    }

    private void Handle(NetMQSocket dealer, FabricDecodeResult decoded)
    {
        if (decoded.Message is not { } message)
        {
            logger.LogWarning("Dropped a malformed fabric message from the broker: {Error}", decoded.Error);
            return;
        }
        switch (message.BodyCase)
        {
            case FabricMessage.BodyOneofCase.Heartbeat:
                break;
            case FabricMessage.BodyOneofCase.Ping:
                dealer.SendMultipartMessage(FabricCodec.Encode(new FabricMessage { Pong = Answer(message) }));
                break;
            case FabricMessage.BodyOneofCase.Job:
                Start(message.Job, message.ExtractTraceContext());
                break;
            case FabricMessage.BodyOneofCase.Cancel:
                if (_running.TryGetValue(message.Cancel.JobId, out var running)) running.Cancel();
                break;
            default:
                logger.LogWarning("Dropped an unexpected {Kind} from the broker", message.BodyCase);
                break;
        }
    }

    /// <summary>Runs a job in the background; its progress and result go out through the outbox.</summary>
    private void Start(JobRequest request, ActivityContext trace)
    {
        if (_finished.Find(request.JobId) is { } done)
        {
            // The broker presumed this worker dead before its result arrived and sent the job again: it is done.
            Send(new FabricMessage { Result = done });
            return;
        }
        var cancel = new CancellationTokenSource();
        if (!_running.TryAdd(request.JobId, cancel)) return; // the broker re-sent a job this worker already runs
        _ = Task.Run(async () =>
        {
            using var activity = GryphgenTelemetry.Source.StartActivity($"agent {agent.Value.Role}", ActivityKind.Server, trace);
            activity?.SetTag("gryphgen.agent.role", agent.Value.Role);
            activity?.SetTag("gryphgen.task", request.Work.TaskId);
            activity?.SetTag("gryphgen.job", request.JobId);
            var result = await RunAsync(request, cancel.Token);
            if (result is not null) _finished.Add(result, Stopwatch.GetTimestamp());
            _running.TryRemove(request.JobId, out _);
            cancel.Dispose();
            if (result is not null) Send(new FabricMessage { Result = result });
        });
    }

    private async Task<JobResult?> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var result = new JobResult { JobId = request.JobId };
        var roleAgent = roleAgents.FirstOrDefault(a => a.Role == agent.Value.ParsedRole);
        if (roleAgent is null)
        {
            result.Error = $"this worker has no {agent.Value.Role} agent";
            return result;
        }
        var progress = new Progress<string>(note => Send(new FabricMessage { Progress = new JobProgress { JobId = request.JobId, Message = note } }));
        try
        {
            var reply = await roleAgent.RunAsync(request.Work, progress, cancellationToken);
            result.Ok = true;
            result.ReplyJson = reply.Json;
            result.InputTokens = reply.InputTokens;
            result.OutputTokens = reply.OutputTokens;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null; // cancelled by the broker, which expects no result
        }
        catch (RoleJobFailedException ex)
        {
            result.Error = ex.Message;
            result.Unavailable = ex.Unavailable;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {Job} failed", request.JobId);
            result.Error = $"{agent.Value.Role} agent failed: {ex.GetBaseException().Message}";
        }
        return result;
    }

    /// <summary>
    /// Queues a message for the socket's thread; dropped while disconnected (a result is kept in <see cref="_finished"/>
    /// and sent again after the next hello; progress is not).
    /// </summary>
    private void Send(FabricMessage message) => _outbox?.Enqueue(message);

    /// <summary>Answers a ping inside the caller's trace, reporting the trace id this process saw.</summary>
    private Pong Answer(FabricMessage ping)
    {
        var parent = ping.ExtractTraceContext();
        using var activity = GryphgenTelemetry.Source.StartActivity("fabric.ping", ActivityKind.Server, parent);
        activity?.SetTag("gryphgen.agent.role", agent.Value.Role);
        var traceId = activity?.TraceId ?? parent.TraceId;
        return new Pong { PingId = ping.Ping.PingId, TraceId = traceId == default ? "" : traceId.ToHexString() };
    }

    private WorkerHello Hello() => new()
    {
        Role = agent.Value.ParsedRole,
        Capacity = (uint)agent.Value.Capacity,
        WorkerId = _workerId,
        Host = Environment.MachineName,
        Pid = Environment.ProcessId,
        Version = typeof(FabricWorker).Assembly.GetName().Version?.ToString() ?? "",
        Credential = fabric.Value.Credential,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
