using System.Reflection;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Fabric;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Status;

/// <summary>SYMORQ itself: the process answering, its fabric socket bound, and how the AppHost runs the infrastructure.</summary>
public sealed class SelfProbe(AgentBroker broker, IOptions<StatusOptions> options) : IComponentProbe
{
    public string Name => "symorq";

    public string Kind => "service";

    public async Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken)
    {
        var port = await broker.BoundPort.WaitAsync(cancellationToken);
        var version = Assembly.GetExecutingAssembly().GetName().Version?.ToString() ?? "?";
        var infrastructure = options.Value.Infrastructure;
        var detail = $"orchestrator {version}; agent fabric on tcp port {port}" + (infrastructure is null ? "" : $"; infrastructure {infrastructure}");
        List<KeyValuePair<string, string>> facts = [new("version", version), new("fabric_port", port.ToString())];
        if (infrastructure is not null) facts.Add(new("infrastructure", infrastructure));
        return [ComponentStatuses.Create(Name, Kind, true, detail, facts: facts)];
    }
}
