using Gryphgen.Symaug.Sandbox;

namespace Gryphgen.Symaug;

/// <summary>What this host offers generated code: a working sandbox and toolchains.</summary>
public sealed record HostCapabilitiesReport(SandboxAvailability Sandbox, IReadOnlyList<Toolchain> Toolchains);

/// <summary>
/// Probes the host once, at start-up, and keeps the answer: the sandbox and toolchains do not change while
/// SYMAUG runs, and probing them costs processes.
/// </summary>
public sealed class HostCapabilities(SandboxChoice sandbox, Toolchains toolchains)
{
    private readonly Lazy<Task<HostCapabilitiesReport>> _report = new(async () =>
    {
        var sandboxProbe = sandbox.Backend.ProbeAsync(CancellationToken.None);
        var found = await toolchains.FindAsync(CancellationToken.None);
        var probed = await sandboxProbe;
        return new HostCapabilitiesReport(probed with { Detail = $"{probed.Detail} ({sandbox.Reason})" }, found);
    });

    public Task<HostCapabilitiesReport> GetAsync() => _report.Value;
}
