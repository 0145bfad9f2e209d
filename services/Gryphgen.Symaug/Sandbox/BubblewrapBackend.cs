using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Runs in <see cref="BubblewrapSandbox"/> under the per-process limits (<see cref="RunRlimits"/>) and in a cgroup
/// of its own (<see cref="RunCgroups"/>), below a host-side shell that records the CPU time of everything in it.
/// </summary>
public sealed class BubblewrapBackend(BubblewrapSandbox sandbox, IOptions<SandboxOptions> options, SandboxUsers users, RunCgroups cgroups) : ISandboxBackend
{
    // The host-side shell waits for the sandbox and records the CPU time of every process that ran in it. It opens
    // the report FIFO (or /dev/null) as descriptor 3 for the sandbox, which inherits it.
    private const string AccountingShell = "usage=$1; report=$2; shift 2; \"$@\" 3>\"$report\"; status=$?; times > \"$usage\"; exit $status";

    public Task<SandboxAvailability> ProbeAsync(CancellationToken cancellationToken) => sandbox.ProbeAsync(cancellationToken);

    public ISandboxLaunch Launch(SandboxRun run)
    {
        var usageFile = Path.Combine(Path.GetTempPath(), $"gryphgen-usage-{Guid.NewGuid():N}");
        var cgroup = cgroups.Create();
        IReadOnlyList<string> command =
        [
            "/bin/sh", "-c", AccountingShell, "sh", usageFile, run.ReportPipe?.HostPath ?? "/dev/null",
            .. cgroup?.JoinCommand() ?? [],
            .. RunRlimits.Prlimit(options.Value, run.TimeLimit),
            .. sandbox.Launcher(), .. sandbox.Arguments(run, users.OfWorkspace(run.WorkspaceFolder)),
        ];
        return new Launched(command, cgroup, usageFile);
    }

    public Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken) => Task.FromResult(cgroups.RemoveLeftovers());

    public Task KillAllAsync(CancellationToken cancellationToken)
    {
        cgroups.KillAll();
        return Task.CompletedTask;
    }

    private sealed class Launched(IReadOnlyList<string> command, RunCgroup? cgroup, string usageFile) : ISandboxLaunch
    {
        public IReadOnlyList<string> Command => command;

        /// <summary>
        /// Kills everything below the accounting shell (bubblewrap, and with its namespace's first process the whole
        /// namespace) but not the shell itself, so that it still records the CPU time.
        /// </summary>
        public void Kill(Process accountingShell)
        {
            try
            {
                var children = File.ReadAllText($"/proc/{accountingShell.Id}/task/{accountingShell.Id}/children")
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
                if (children.Count == 0) accountingShell.Kill(entireProcessTree: true);
                foreach (var child in children)
                {
                    using var sandboxed = Process.GetProcessById(child);
                    sandboxed.Kill(entireProcessTree: true);
                }
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException)
            {
                // It ended by itself meanwhile; what is left of the tree goes with the shell.
                if (!accountingShell.HasExited) accountingShell.Kill(entireProcessTree: true);
            }
        }

        public IDisposable? WatchOom(Action onOom) => cgroup?.WatchOom(onOom);

        public Task<bool> OomKilledAsync() => Task.FromResult(cgroup?.OomKilled == true);

        /// <summary>The children's user and system time from the shell's <c>times</c>: "0m0.31s 0m0.01s" on line 2.</summary>
        public long CpuTimeMs()
        {
            if (!File.Exists(usageFile)) return 0;
            var lines = File.ReadAllLines(usageFile);
            File.Delete(usageFile);
            if (lines.Length < 2) return 0;
            return (long)lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(ParseMinutesSeconds);
        }

        private static double ParseMinutesSeconds(string time)
        {
            var m = time.IndexOf('m');
            return (double.Parse(time[..m], CultureInfo.InvariantCulture) * 60
                    + double.Parse(time[(m + 1)..].TrimEnd('s'), CultureInfo.InvariantCulture)) * 1000;
        }

        public ValueTask DisposeAsync()
        {
            cgroup?.Dispose();
            if (File.Exists(usageFile)) File.Delete(usageFile);
            return ValueTask.CompletedTask;
        }
    }
}
