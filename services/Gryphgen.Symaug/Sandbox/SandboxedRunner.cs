using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Gryphgen.Contracts;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Runs a command in the bubblewrap sandbox under resource limits (prlimit: CPU time, address space, processes,
/// file size; its own cgroup: memory, pids, CPU quota), kills the whole process tree at the time, output or memory
/// limit, and reports what happened.
/// </summary>
public sealed class SandboxedRunner(BubblewrapSandbox sandbox, IOptions<SandboxOptions> options, SandboxOwner owner, SandboxUsers users, RunCgroups cgroups)
{
    // The host-side shell waits for the sandbox and records the CPU time of every process that ran in it. It opens
    // the report FIFO (or /dev/null) as descriptor 3 for the sandbox, which inherits it.
    private const string AccountingShell = "usage=$1; report=$2; shift 2; \"$@\" 3>\"$report\"; status=$?; times > \"$usage\"; exit $status";

    private const int SignalExit = 128;
    private const int SigKill = 9, SigXcpu = 24, SigXfsz = 25;

    // What the toolchains print when an allocation fails at the address-space limit.
    private static readonly string[] OutOfMemorySignatures =
        ["MemoryError", "heap out of memory", "OutOfMemoryException", "std::bad_alloc", "Cannot allocate memory", "out of memory"];

    public async Task<RunResult> RunAsync(SandboxRun run, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var usageFile = Path.Combine(Path.GetTempPath(), $"gryphgen-usage-{Guid.NewGuid():N}");
        using var cgroup = cgroups.Create();
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment = { [SandboxOwner.Variable] = owner.Value },
        };
        string[] arguments =
        [
            "-c", AccountingShell, "sh", usageFile, run.ReportPipe?.HostPath ?? "/dev/null",
            .. cgroup?.JoinCommand() ?? [],
            "prlimit", $"--cpu={(int)Math.Ceiling(run.TimeLimit.TotalSeconds) + 1}", $"--as={limits.AddressSpaceBytes}",
            $"--nproc={limits.Processes}", $"--fsize={limits.FileSizeBytes}", "--core=0", "--",
            .. sandbox.Launcher(), .. sandbox.Arguments(run, users.OfWorkspace(run.WorkspaceFolder)),
        ];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        run.ReportPipe?.Connect();
        process.Start();
        StopReason? stoppedBy = null;
        void Stop(StopReason reason)
        {
            lock (process)
            {
                if (stoppedBy is not null) return;
                stoppedBy = reason;
            }
            KillSandbox(process);
        }

        var stdout = new BoundedCapture(run.OutputLimitBytes);
        var stderr = new BoundedCapture(run.OutputLimitBytes);
        var reading = Task.WhenAll(
            stdout.ReadToEndAsync(process.StandardOutput.BaseStream, () => Stop(StopReason.Output)),
            stderr.ReadToEndAsync(process.StandardError.BaseStream, () => Stop(StopReason.Output)),
            WriteInputAsync(process.StandardInput.BaseStream, run.StandardInput));

        using var timeLimit = new CancellationTokenSource(run.TimeLimit);
        using var onTimeout = timeLimit.Token.Register(() => Stop(StopReason.Timeout));
        using var onCancel = cancellationToken.Register(() => Stop(StopReason.None));
        using var onOom = cgroup?.WatchOom(() => Stop(StopReason.Memory));
        using var onQuota = run.Quota is { } quota ? RunWatch.Every(() => quota.Exceeded(run.WorkspaceFolder) is not null, () => Stop(StopReason.DiskQuota)) : null;
        await process.WaitForExitAsync(CancellationToken.None);
        await reading;
        if (run.ReportPipe is { } report) await report.DisconnectAsync();
        clock.Stop();
        cancellationToken.ThrowIfCancellationRequested();

        var result = new RunResult
        {
            ExitCode = process.ExitCode,
            Stdout = ByteString.CopyFrom(stdout.Bytes), StdoutTruncated = stdout.Truncated,
            Stderr = ByteString.CopyFrom(stderr.Bytes), StderrTruncated = stderr.Truncated,
            WallTimeMs = clock.ElapsedMilliseconds,
            CpuTimeMs = ReadCpuTime(usageFile),
        };
        (result.StopReason, result.Killed) = stoppedBy is { } ours ? (ours, true)
            : cgroup?.OomKilled == true ? (StopReason.Memory, true)
            : run.Quota?.Exceeded(run.WorkspaceFolder) is not null ? (StopReason.DiskQuota, false)
            : Classify(result);
        return result;
    }

    /// <summary>Which limit, if any, ended a run that SYMAUG itself did not stop.</summary>
    private static (StopReason, bool Killed) Classify(RunResult result) => result.ExitCode switch
    {
        SignalExit + SigKill or SignalExit + SigXcpu => (StopReason.CpuTime, true),
        SignalExit + SigXfsz => (StopReason.FileSize, true),
        not 0 when OutOfMemorySignatures.Any(result.Stderr.ToStringUtf8().Contains) => (StopReason.Memory, result.ExitCode > SignalExit),
        _ => (StopReason.None, false),
    };

    /// <summary>
    /// Kills everything below the accounting shell (bubblewrap, and with its namespace's first process the whole
    /// namespace) but not the shell itself, so that it still records the CPU time.
    /// </summary>
    private static void KillSandbox(Process accountingShell)
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

    private static async Task WriteInputAsync(Stream input, byte[] bytes)
    {
        try
        {
            await input.WriteAsync(bytes);
            await input.DisposeAsync();
        }
        catch (IOException)
        {
            // The run ended without reading all its input: that is its business.
        }
    }

    /// <summary>The children's user and system time from the shell's <c>times</c>: "0m0.31s 0m0.01s" on line 2.</summary>
    private static long ReadCpuTime(string usageFile)
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
}
