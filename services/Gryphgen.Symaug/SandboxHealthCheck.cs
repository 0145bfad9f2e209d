using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gryphgen.Symaug;

/// <summary>SYMAUG is unhealthy where it cannot confine generated code, and says why.</summary>
public sealed class SandboxHealthCheck(HostCapabilities capabilities) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await capabilities.GetAsync().WaitAsync(cancellationToken);
        return report.Sandbox.Available
            ? HealthCheckResult.Healthy(report.Sandbox.Detail)
            : HealthCheckResult.Unhealthy(report.Sandbox.Detail);
    }
}
