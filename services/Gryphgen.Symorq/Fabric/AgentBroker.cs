using System.Collections.Concurrent;
using System.Diagnostics;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.Options;
using NetMQ;
using NetMQ.Sockets;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// SYMORQ's end of the ZeroMQ fabric: a ROUTER socket that agent workers (DEALERs) dial in to. Workers announce
/// their role, both sides heartbeat, and a worker silent for <see cref="FabricOptions.Expiry"/> is dropped.
/// The socket lives on one poller thread; other threads talk to it through <see cref="_commands"/>.
/// </summary>
public sealed class AgentBroker(IOptions<FabricOptions> options, WorkerRegistry registry, ILogger<AgentBroker> logger)
    : BackgroundService
{
    private readonly FabricOptions _options = options.Value;
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
                break;
            case FabricMessage.BodyOneofCase.Heartbeat:
                registry.Touch(identity);
                break;
            case FabricMessage.BodyOneofCase.Pong:
                registry.Touch(identity);
                if (_pendingPings.TryRemove(message.Pong.PingId, out var reply)) reply.TrySetResult(message.Pong);
                break;
            case FabricMessage.BodyOneofCase.Bye:
                if (registry.Remove(identity)) logger.LogInformation("Agent worker {Peer} left", WorkerRegistry.KeyOf(identity));
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
        }
        var heartbeat = new FabricMessage { Heartbeat = new() };
        foreach (var worker in registry.Snapshot())
        {
            router.TrySendMultipartMessage(FabricCodec.Encode(heartbeat, worker.Identity));
        }
    }
}
