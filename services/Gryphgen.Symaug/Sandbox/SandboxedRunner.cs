using System.Diagnostics;
using Google.Protobuf;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Runs a command in the sandbox backend chosen at registration (<see cref="ISandboxBackend"/>) under its limits,
/// kills it at the time, output or memory limit, and reports what happened.
/// </summary>
public sealed class SandboxedRunner(ISandboxBackend backend, SandboxOwner owner)
{
    private const int SignalExit = 128;
    private const int SigKill = 9, SigXcpu = 24, SigXfsz = 25;

    // What the toolchains print when an allocation fails at the address-space limit.
    private static readonly string[] OutOfMemorySignatures =
        ["MemoryError", "heap out of memory", "OutOfMemoryException", "std::bad_alloc", "Cannot allocate memory", "out of memory"];

    public async Task<RunResult> RunAsync(SandboxRun run, CancellationToken cancellationToken)
    {
        await using var launch = backend.Launch(run);
        var start = new ProcessStartInfo(launch.Command[0])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment = { [SandboxOwner.Variable] = owner.Value },
        };
        foreach (var argument in launch.Command.Skip(1)) start.ArgumentList.Add(argument);

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
            launch.Kill(process);
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
        using var onOom = launch.WatchOom(() => Stop(StopReason.Memory));
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
            CpuTimeMs = launch.CpuTimeMs(),
        };
        (result.StopReason, result.Killed) = stoppedBy is { } ours ? (ours, true)
            : await launch.OomKilledAsync() ? (StopReason.Memory, true)
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
}
