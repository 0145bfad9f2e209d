using Gryphgen.Symaug.Sandbox;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gryphgen.Symaug;

/// <summary>
/// SYMAUG is unhealthy where it cannot confine generated code or runs nothing because the disk is nearly full, and says
/// why; degraded where runs get no cgroup (they still run, under the per-process limits), saying what they lose.
/// </summary>
public sealed class SandboxHealthCheck(HostCapabilities capabilities, RunCgroups cgroups, Workspaces.DiskFloor floor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await capabilities.GetAsync().WaitAsync(cancellationToken);
        var detail = $"{report.Sandbox.Detail}; {cgroups.Availability.Detail}";
        var breach = floor.Breach();
        return !report.Sandbox.Available ? HealthCheckResult.Unhealthy(detail)
            : breach is not null ? HealthCheckResult.Unhealthy($"runs refused: {breach}; {detail}")
            : !cgroups.Availability.Available ? HealthCheckResult.Degraded(detail)
            : HealthCheckResult.Healthy(detail);
    }
}
