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
    // One host-side shell does all that must happen before bubblewrap, with builtins (each program started per run
    // costs milliseconds): it joins the run's cgroup (each cgroup.procs given), sets the per-process limits, opens
    // the report FIFO (or /dev/null) as descriptor 3 and the seccomp filter as the descriptor bubblewrap loads it
    // from, both inherited by the sandbox; then it waits for the sandbox and records the CPU time of every process
    // that ran in it. Exit code 125: the cgroup or a limit could not be set, and nothing ran.
    private const string HostShell =
        "usage=$1; report=$2; filter=$3; n=$4; shift 4; " +
        "while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift; n=$((n - 1)); done; " +
        "{ $ULIMITS; } || exit 125; " +
        "\"$@\" 3>\"$report\" " + BubblewrapSandbox.FilterDescriptorText + "<\"$filter\"; status=$?; times > \"$usage\"; exit $status";

    public Task<SandboxAvailability> ProbeAsync(CancellationToken cancellationToken) => sandbox.ProbeAsync(cancellationToken);

    public ISandboxLaunch Launch(SandboxRun run)
    {
        var usageFile = Path.Combine(Path.GetTempPath(), $"gryphgen-usage-{Guid.NewGuid():N}");
        var cgroup = cgroups.Create();
        var procs = cgroup?.ProcsFiles ?? [];
        IReadOnlyList<string> command =
        [
            "/bin/sh", "-c", HostShell.Replace("$ULIMITS", RunRlimits.Ulimits(options.Value, run.TimeLimit), StringComparison.Ordinal), "sh",
            usageFile, run.ReportPipe?.HostPath ?? "/dev/null", sandbox.FilterFile ?? "/dev/null", procs.Count.ToString(CultureInfo.InvariantCulture), .. procs,
            options.Value.Bubblewrap, .. sandbox.Arguments(run, users.OfWorkspace(run.WorkspaceFolder)),
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
