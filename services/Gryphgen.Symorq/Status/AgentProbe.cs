using System.Diagnostics;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;

namespace Gryphgen.Symorq.Status;

/// <summary>
/// The agents: every connected worker is pinged over the fabric within the caller's trace, and every role without
/// a live worker is reported missing.
/// </summary>
public sealed class AgentProbe(AgentBroker broker) : IComponentProbe
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public string Name => "agents";

    public string Kind => "agent";

    public async Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken)
    {
        var answers = await broker.PingAllAsync(Activity.Current?.Context ?? default, PingTimeout, cancellationToken);
        var rows = answers.Select(a => Describe(a.Worker, a.Pong)).ToList();
        var present = answers.Select(a => a.Worker.Role).ToHashSet();
        rows.AddRange(AgentRoles.AllNames.Where(role => !present.Contains(role)).Select(role =>
            ComponentStatuses.Create($"agent/{role}", Kind, false, $"no {role} worker is connected to the fabric")));
        return rows;
    }

    private ComponentStatus Describe(ConnectedWorker worker, Pong? pong)
    {
        var hello = worker.Hello;
        var status = ComponentStatuses.Create($"agent/{worker.Role}/{hello.WorkerId}", Kind, pong is not null,
            pong is null
                ? $"connected but did not answer a ping within {PingTimeout.TotalSeconds:0} s"
                : $"{worker.Role} on {hello.Host} (pid {hello.Pid}), {hello.Capacity} job(s) at once",
            facts: [new("role", worker.Role), new("host", hello.Host), new("pid", hello.Pid.ToString()),
                    new("capacity", hello.Capacity.ToString()), new("connected_at", worker.ConnectedAt.ToString("O"))]);
        status.TraceId = pong?.TraceId ?? string.Empty;
        return status;
    }
}
