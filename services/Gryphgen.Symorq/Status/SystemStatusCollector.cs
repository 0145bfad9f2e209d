using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Status;

/// <summary>
/// Runs every <see cref="IComponentProbe"/> at once, each under its own time limit, so that one hung component is
/// reported as such instead of hanging the whole status.
/// </summary>
public sealed class SystemStatusCollector(IEnumerable<IComponentProbe> probes, ILogger<SystemStatusCollector> logger)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public async Task<SystemStatus> CollectAsync(CancellationToken cancellationToken)
    {
        using var activity = GryphgenTelemetry.Source.StartActivity("gryphgen.status");
        var reports = await Task.WhenAll(probes.Select(p => RunAsync(p, cancellationToken)));
        var status = new SystemStatus { TraceId = GryphgenTelemetry.CurrentTraceId };
        status.Components.AddRange(reports.SelectMany(r => r));
        status.Healthy = status.Components.Where(c => c.Required).All(c => c.Healthy);
        activity?.SetTag("gryphgen.status.healthy", status.Healthy);
        return status;
    }

    private async Task<IReadOnlyList<ComponentStatus>> RunAsync(IComponentProbe probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            return await probe.ProbeAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [ComponentStatuses.Create(probe.Name, probe.Kind, false, $"no answer within {ProbeTimeout.TotalSeconds:0} s")];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Status probe {Probe} failed", probe.Name);
            return [ComponentStatuses.Create(probe.Name, probe.Kind, false, ex.GetBaseException().Message)];
        }
    }
}
