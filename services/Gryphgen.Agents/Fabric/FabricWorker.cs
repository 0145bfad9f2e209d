using System.Diagnostics;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.Options;
using NetMQ;
using NetMQ.Sockets;

namespace Gryphgen.Agents.Fabric;

/// <summary>
/// The agent's end of the ZeroMQ fabric: a DEALER that dials SYMORQ's broker, says hello with its role, and
/// heartbeats. When the broker stays silent for <see cref="FabricClientOptions.Liveness"/> intervals the worker
/// drops the socket and dials again with exponential back-off (the Paranoid Pirate pattern).
/// </summary>
public sealed class FabricWorker(
    IOptions<AgentOptions> agent, IOptions<FabricClientOptions> fabric, ILogger<FabricWorker> logger) : BackgroundService
{
    private readonly string _workerId = Guid.NewGuid().ToString("N")[..12];

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
        dealer.Connect(options.Endpoint);
        dealer.SendMultipartMessage(FabricCodec.Encode(new FabricMessage { Hello = Hello() }));
        logger.LogInformation("Agent {Role} worker {WorkerId} dialled {Endpoint}", agent.Value.Role, _workerId, options.Endpoint);

        var liveness = options.Liveness;
        var heardFromBroker = false;
        var heartbeat = new NetMQTimer(options.HeartbeatInterval);
        using var poller = new NetMQPoller { dealer, heartbeat };
        dealer.ReceiveReady += (_, e) =>
        {
            var frames = new NetMQMessage();
            while (e.Socket.TryReceiveMultipartMessage(TimeSpan.Zero, ref frames))
            {
                liveness = options.Liveness;
                heardFromBroker = true;
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

        if (stoppingToken.IsCancellationRequested)
        {
            dealer.TrySendMultipartMessage(FabricCodec.Encode(new FabricMessage { Bye = new() }));
        }
        return heardFromBroker;
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
            default:
                logger.LogWarning("Dropped an unexpected {Kind} from the broker", message.BodyCase);
                break;
        }
    }

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
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
