using System.CommandLine;
using System.Diagnostics;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetMQ;
using NetMQ.Sockets;
using Gryphgen.Fabric;

namespace Gryphgen.Benchmarks;

/// <summary>
/// Jobs per second and round-trip latency through SYMORQ's broker (queue, least-recently-used dispatch, protobuf
/// frames, trace context) with 1, 4 and 16 workers that answer at once, side by side with a bare NetMQ
/// ROUTER–DEALER echo of the same frames and the same number of messages in flight, in one run.
/// </summary>
public static class BrokerThroughputBenchmark
{
    private const string BenchCredential = "benchmark-generator-credential";

    /// <summary>Both paths encrypt with CURVE, as the fabric does, so the comparison is of the broker alone.</summary>
    private static readonly NetMQCertificate ServerKeys = new();

    public static Command Create()
    {
        var jobs = new Option<int>("--jobs") { Description = "round trips per measurement", DefaultValueFactory = _ => 20_000 }.AtLeast(1);
        var command = new Command("broker-throughput", "The agent broker against a bare NetMQ echo, at 1, 4 and 16 workers") { jobs };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(jobs), ct));
        return command;
    }

    private static async Task RunAsync(int jobs, CancellationToken cancellationToken)
    {
        Console.WriteLine("| workers | path | jobs/s | p50 µs | p99 µs |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var workers in new[] { 1, 4, 16 })
        {
            Print(workers, "bare NetMQ echo", Echo(workers, jobs));
            Print(workers, "GRYPHGEN broker", await BrokerAsync(workers, jobs, cancellationToken));
        }
    }

    private static void Print(int workers, string path, (double PerSecond, List<double> Micros) r) =>
        Console.WriteLine($"| {workers} | {path} | {r.PerSecond:N0} | {Percentiles.Of(r.Micros, 50):0} | {Percentiles.Of(r.Micros, 99):0} |");

    /// <summary>The broker with <paramref name="workers"/> DEALER workers, one job in flight per worker.</summary>
    private static async Task<(double, List<double>)> BrokerAsync(int workers, int jobs, CancellationToken cancellationToken)
    {
        var options = Options.Create(new FabricOptions
        {
            Port = 0, Liveness = 1000, Credentials = new() { ["generator"] = [BenchCredential] }, CurveSecretKey = ServerKeys.SecretKeyZ85!,
        });
        var broker = new AgentBroker(options, new WorkerRegistry(TimeProvider.System), new WorkerEnrollment(options.Value.Credentials), TimeProvider.System,
            NullLogger<AgentBroker>.Instance);
        await broker.StartAsync(cancellationToken);
        var port = await broker.BoundPort;
        using var stop = new CancellationTokenSource();
        var threads = Enumerable.Range(0, workers).Select(i => StartThread(() => AnswerJobs(port, i, stop.Token))).ToList();
        try
        {
            var work = new RoleJob { TaskId = "bench", Title = "echo", Description = new string('x', 200) };
            await broker.RunJobAsync(AgentRole.Generator, work, null, cancellationToken); // every worker connected and warm
            return await MeasureAsync(workers, jobs, () => broker.RunJobAsync(AgentRole.Generator, work, null, cancellationToken));
        }
        finally
        {
            await stop.CancelAsync();
            threads.ForEach(t => t.Join());
            await broker.StopAsync(CancellationToken.None);
        }
    }

    private static void AnswerJobs(int port, int index, CancellationToken stop)
    {
        using var dealer = EncryptedDealer();
        dealer.Connect($"tcp://127.0.0.1:{port}");
        dealer.SendMultipartMessage(FabricCodec.Encode(new FabricMessage
        {
            Hello = new WorkerHello
            {
                Role = AgentRole.Generator, Capacity = 1, WorkerId = $"bench-{index}", Host = "bench", Pid = 1, Credential = BenchCredential,
            },
        }));
        var frames = new NetMQMessage();
        while (!stop.IsCancellationRequested)
        {
            if (!dealer.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(50), ref frames)) continue;
            if (FabricCodec.Decode(frames).Message is { BodyCase: FabricMessage.BodyOneofCase.Job } message)
            {
                dealer.SendMultipartMessage(FabricCodec.Encode(new FabricMessage
                {
                    Result = new JobResult { JobId = message.Job.JobId, Ok = true, ReplyJson = "{}" },
                }));
            }
        }
    }

    /// <summary>The same frames through a bare ROUTER to <paramref name="workers"/> echoing DEALERs.</summary>
    private static (double, List<double>) Echo(int workers, int jobs)
    {
        using var router = new RouterSocket();
        router.Options.CurveServer = true;
        router.Options.CurveCertificate = ServerKeys;
        var port = router.BindRandomPort("tcp://127.0.0.1");
        using var stop = new CancellationTokenSource();
        var threads = Enumerable.Range(0, workers).Select(i => StartThread(() => EchoFrames(port, i, stop.Token))).ToList();
        var identities = new List<byte[]>();
        var frames = new NetMQMessage();
        while (identities.Count < workers)
        {
            frames = router.ReceiveMultipartMessage();
            identities.Add(frames[0].ToByteArray());
        }

        var payload = new FabricMessage { Job = new JobRequest { JobId = "x", Work = new RoleJob { TaskId = "bench", Description = new string('x', 200) } } };
        var micros = new List<double>(jobs);
        var sentAt = new Dictionary<string, long>();
        var total = Stopwatch.StartNew();
        var sent = 0;
        foreach (var identity in identities) Send(identity);
        while (micros.Count < jobs)
        {
            frames = router.ReceiveMultipartMessage();
            var key = Convert.ToHexString(frames[0].Buffer);
            micros.Add(Stopwatch.GetElapsedTime(sentAt[key]).TotalMicroseconds);
            if (sent < jobs) Send(frames[0].ToByteArray());
        }
        var perSecond = jobs / total.Elapsed.TotalSeconds;
        stop.Cancel();
        threads.ForEach(t => t.Join());
        return (perSecond, micros);

        void Send(byte[] identity)
        {
            sentAt[Convert.ToHexString(identity)] = Stopwatch.GetTimestamp();
            router.SendMultipartMessage(FabricCodec.Encode(payload, identity));
            sent++;
        }
    }

    private static void EchoFrames(int port, int index, CancellationToken stop)
    {
        using var dealer = EncryptedDealer();
        dealer.Connect($"tcp://127.0.0.1:{port}");
        dealer.SendFrame($"ready-{index}");
        var frames = new NetMQMessage();
        while (!stop.IsCancellationRequested)
        {
            if (dealer.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(50), ref frames)) dealer.SendMultipartMessage(frames);
        }
    }

    /// <summary>Keeps <paramref name="inFlight"/> jobs running until <paramref name="jobs"/> have round-tripped.</summary>
    private static async Task<(double, List<double>)> MeasureAsync(int inFlight, int jobs, Func<Task<JobOutcome>> job)
    {
        var micros = new List<double>(jobs);
        var started = 0;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref started) <= jobs)
            {
                var begin = Stopwatch.GetTimestamp();
                await job();
                var elapsed = Stopwatch.GetElapsedTime(begin).TotalMicroseconds;
                lock (micros) micros.Add(elapsed);
            }
        }));
        return (jobs / total.Elapsed.TotalSeconds, micros);
    }

    private static DealerSocket EncryptedDealer()
    {
        var dealer = new DealerSocket();
        dealer.Options.CurveServerKey = ServerKeys.PublicKey;
        dealer.Options.CurveCertificate = new NetMQCertificate();
        return dealer;
    }

    private static Thread StartThread(Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true };
        thread.Start();
        return thread;
    }
}
