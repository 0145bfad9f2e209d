using System.Diagnostics;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// At start, kills what runs of an earlier SYMAUG on the same workspace root left running (it was killed before it
/// could end them): they would otherwise keep running as the sandbox user and race this SYMAUG's file operations.
/// Killing a run's tree kills its sandbox's first process, and with it everything in the sandbox's PID namespace;
/// the run cgroups it left are killed and removed too. When SYMAUG stops, it kills its runs' cgroups.
/// </summary>
public sealed class SandboxSweep(SandboxOwner owner, RunCgroups cgroups, ILogger<SandboxSweep> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
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
        var groups = cgroups.RemoveLeftovers();
        if (groups > 0) logger.LogWarning("Removed {Count} run cgroup(s) an earlier SYMAUG left", groups);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        cgroups.KillAll();
        return Task.CompletedTask;
    }
}
