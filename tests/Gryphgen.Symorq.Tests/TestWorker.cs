using Gryphgen.Contracts.Fabric;
using NetMQ;
using NetMQ.Monitoring;
using NetMQ.Sockets;
using Gryphgen.Fabric;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// A DEALER socket the tests drive by hand, frame by frame, to see how the broker treats each message —
/// including ones no real agent would send. Its hellos carry the harness's credential for their role unless told
/// otherwise.
/// </summary>
internal sealed class TestWorker : IDisposable
{
    private readonly DealerSocket _socket = new();
    private readonly BrokerHarness? _harness;
    private NetMQMonitor? _monitor;

    /// <summary>
    /// A DEALER that expects the broker behind <paramref name="brokerPublicKey"/> (the harness's unless given), or,
    /// with <paramref name="encrypted"/> false, one that speaks plain ZeroMQ.
    /// </summary>
    public TestWorker(BrokerHarness harness, string? brokerPublicKey = null, bool encrypted = true)
        : this($"tcp://127.0.0.1:{harness.Port}", encrypted ? brokerPublicKey ?? harness.PublicKey : null) => _harness = harness;

    /// <summary>A DEALER to a broker elsewhere (SYMORQ's own), as a worker on another machine is configured; its hellos need a credential.</summary>
    public TestWorker(string endpoint, string? brokerPublicKey)
    {
        _socket.Options.Linger = TimeSpan.Zero;
        if (brokerPublicKey is not null)
        {
            _socket.Options.CurveServerKey = NetMQCertificate.FromPublicKey(brokerPublicKey).PublicKey;
            _socket.Options.CurveCertificate = new NetMQCertificate();
        }
        _socket.Connect(endpoint);
    }

    public void Send(FabricMessage message) => _socket.SendMultipartMessage(FabricCodec.Encode(message));

    public void SendRaw(params byte[][] frames)
    {
        var message = new NetMQMessage();
        foreach (var frame in frames) message.Append(frame);
        _socket.SendMultipartMessage(message);
    }

    public void Hello(AgentRole role, string workerId, uint capacity = 1, string? credential = null) =>
        Send(new FabricMessage
        {
            Hello = new WorkerHello
            {
                Role = role, WorkerId = workerId, Capacity = capacity, Host = "test", Pid = 1,
                Credential = credential ?? _harness?.Credential(role) ?? throw new ArgumentNullException(nameof(credential)),
            },
        });

    /// <summary>Waits for a job and answers it with <paramref name="reply"/>, after a progress note.</summary>
    public JobRequest AnswerNextJob(string reply, TimeSpan timeout) =>
        TryAnswerNextJob(reply, timeout) ?? throw new TimeoutException("no job arrived");

    /// <summary>As <see cref="AnswerNextJob"/>, or null when no job arrives within <paramref name="timeout"/>.</summary>
    public JobRequest? TryAnswerNextJob(string reply, TimeSpan timeout)
    {
        if (Receive(FabricMessage.BodyOneofCase.Job, timeout)?.Job is not { } job) return null;
        Send(new FabricMessage { Progress = new JobProgress { JobId = job.JobId, Message = "working" } });
        Send(new FabricMessage { Result = new JobResult { JobId = job.JobId, Ok = true, ReplyJson = reply, OutputTokens = 3 } });
        return job;
    }

    /// <summary>The next message of the given kind, skipping others (heartbeats), or null after <paramref name="timeout"/>.</summary>
    public FabricMessage? Receive(FabricMessage.BodyOneofCase kind, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (ReceiveAny(TimeSpan.FromMilliseconds(50)) is { } message && message.BodyCase == kind) return message;
        }
        return null;
    }

    /// <summary>The next well-formed message of any kind, or null after <paramref name="timeout"/>.</summary>
    public FabricMessage? ReceiveAny(TimeSpan timeout)
    {
        var frames = new NetMQMessage();
        return _socket.TryReceiveMultipartMessage(timeout, ref frames) ? FabricCodec.Decode(frames).Message : null;
    }

    /// <summary>How many messages of any kind, well-formed or not, arrive within <paramref name="window"/>.</summary>
    public int CountArrivals(TimeSpan window)
    {
        var deadline = DateTime.UtcNow + window;
        var frames = new NetMQMessage();
        var count = 0;
        while (DateTime.UtcNow < deadline)
        {
            if (_socket.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(20), ref frames)) count++;
        }
        return count;
    }

    /// <summary>
    /// Heartbeats every 300 ms until <paramref name="stop"/> is cancelled, so only the broker's own decision can drop
    /// this worker; nothing else may use the socket until the returned task completes.
    /// </summary>
    public Task KeepAliveAsync(CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            Send(new FabricMessage { Heartbeat = new() });
            await Task.Delay(TimeSpan.FromMilliseconds(300), CancellationToken.None);
        }
    }, CancellationToken.None);

    /// <summary>Completes when this socket's connection to the broker drops (NetMQ's monitor sees it).</summary>
    public Task WatchForDisconnection()
    {
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _monitor = new NetMQMonitor(_socket, $"inproc://test-worker-{Guid.NewGuid():N}", SocketEvents.Disconnected);
        _monitor.Disconnected += (_, _) => disconnected.TrySetResult();
        _ = _monitor.StartAsync();
        return disconnected.Task;
    }

    public void Dispose()
    {
        _monitor?.Dispose();
        _socket.Dispose();
    }
}
