using Gryphgen.Symorq.Fabric;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// A real <see cref="AgentBroker"/> on a free port with a fast heartbeat, for tests that drive workers by hand;
/// a test may restart it with other options.
/// </summary>
internal sealed class BrokerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public WorkerRegistry Registry { get; } = new(TimeProvider.System);

    public AgentBroker Broker { get; private set; } = null!;

    public int Port { get; private set; }

    /// <summary>(Re)starts the broker; port and heartbeat interval are the harness's.</summary>
    public async Task StartAsync(FabricOptions options)
    {
        if (Broker is not null) await Broker.StopAsync(CancellationToken.None);
        options.Port = 0;
        options.HeartbeatInterval = Interval;
        Broker = new AgentBroker(Options.Create(options), Registry, TimeProvider.System, NullLogger<AgentBroker>.Instance);
        await Broker.StartAsync(CancellationToken.None);
        Port = await Broker.BoundPort.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync() => await Broker.StopAsync(CancellationToken.None);
}
