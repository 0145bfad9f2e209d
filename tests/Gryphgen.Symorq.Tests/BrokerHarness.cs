using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;
using Gryphgen.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetMQ;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// A real <see cref="AgentBroker"/> on a free port with a fast heartbeat, for tests that drive workers by hand;
/// a test may restart it with other options. Every role has one enrolled credential (<see cref="Credential"/>), and
/// the broker's CURVE key pair is <see cref="Certificate"/>.
/// </summary>
internal sealed class BrokerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public WorkerRegistry Registry { get; } = new(TimeProvider.System);

    public AgentBroker Broker { get; private set; } = null!;

    /// <summary>The running broker's credentials: the harness's configured ones, and any a test enrolls.</summary>
    public WorkerEnrollment Enrollment { get; private set; } = null!;

    public int Port { get; private set; }

    /// <summary>The credential enrolled for <paramref name="role"/>: unique per harness, so no test guesses it.</summary>
    public string Credential(AgentRole role) => $"{role.ToName()}-{_secret}";

    private readonly string _secret = Guid.NewGuid().ToString("N");

    /// <summary>The broker's CURVE key pair, kept across restarts like a deployment's.</summary>
    public NetMQCertificate Certificate { get; } = new();

    public string PublicKey => Certificate.PublicKeyZ85;

    /// <summary>(Re)starts the broker; port, heartbeat interval, credentials and key pair are the harness's.</summary>
    public async Task StartAsync(FabricOptions options)
    {
        if (Broker is not null) await Broker.StopAsync(CancellationToken.None);
        options.Port = 0;
        options.HeartbeatInterval = Interval;
        options.CurveSecretKey = Certificate.SecretKeyZ85!;
        options.Credentials = AgentRoles.All.ToDictionary(r => r.ToName(), r => new List<string> { Credential(r) });
        Enrollment = new WorkerEnrollment(options.Credentials);
        Broker = new AgentBroker(Options.Create(options), Registry, Enrollment, TimeProvider.System, NullLogger<AgentBroker>.Instance);
        await Broker.StartAsync(CancellationToken.None);
        Port = await Broker.BoundPort.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A small job of no particular role.</summary>
    public static RoleJob Work(string title = "t") => new() { TaskId = "task-1", Title = title, Description = "d" };

    /// <summary>The registered workers, once <paramref name="done"/> holds of them.</summary>
    public Task<IReadOnlyList<ConnectedWorker>> WorkersAsync(Func<IReadOnlyList<ConnectedWorker>, bool> done, string what) =>
        Eventually.Get(() => Task.FromResult(Registry.Snapshot()), done, TimeSpan.FromSeconds(30), what);

    public async ValueTask DisposeAsync() => await Broker.StopAsync(CancellationToken.None);
}
