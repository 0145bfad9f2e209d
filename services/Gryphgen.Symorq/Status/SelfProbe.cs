using System.Reflection;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Fabric;

namespace Gryphgen.Symorq.Status;

/// <summary>SYMORQ itself: the process answering, and its fabric socket bound.</summary>
public sealed class SelfProbe(AgentBroker broker) : IComponentProbe
{
    public string Name => "symorq";

    public string Kind => "service";

    public async Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken)
    {
        var port = await broker.BoundPort.WaitAsync(cancellationToken);
        var version = Assembly.GetExecutingAssembly().GetName().Version?.ToString() ?? "?";
        return [ComponentStatuses.Create(Name, Kind, true, $"orchestrator {version}; agent fabric on tcp port {port}",
            facts: [new("version", version), new("fabric_port", port.ToString())])];
    }
}
