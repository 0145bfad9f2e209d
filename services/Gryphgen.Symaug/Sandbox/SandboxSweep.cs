using System.Diagnostics;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// At start, kills what runs of an earlier SYMAUG on the same workspace root left running (it was killed before it
/// could end them): they would otherwise keep running as the sandbox user and race this SYMAUG's file operations.
/// Killing a run's tree kills its sandbox's first process, and with it everything in the sandbox's PID namespace;
/// the run cgroups or containers it left (<see cref="ISandboxBackend.RemoveLeftoversAsync"/>) are killed and removed
/// too. When SYMAUG stops, it kills its runs.
/// </summary>
public sealed class SandboxSweep(SandboxOwner owner, ISandboxBackend backend, ILogger<SandboxSweep> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var killed = 0;
        foreach (var pid in owner.MarkedProcesses())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                killed++;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // It ended meanwhile, with a process of the same tree killed before it.
            }
        }
        if (killed > 0) logger.LogWarning("Killed {Count} process tree(s) of sandboxed runs an earlier SYMAUG left running", killed);
        var left = await backend.RemoveLeftoversAsync(cancellationToken);
        if (left > 0) logger.LogWarning("Removed {Count} run cgroup(s) or container(s) an earlier SYMAUG left", left);
    }

    public Task StopAsync(CancellationToken cancellationToken) => backend.KillAllAsync(cancellationToken);
}
