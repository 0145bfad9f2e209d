using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gryphgen.Testing;

/// <summary>
/// A server process the tests start and own: its output is drained into <see cref="Log"/> (so a full pipe never
/// stalls it, and a failure can say what it printed), and disposing it kills the whole process tree.
/// </summary>
public sealed class LoggedProcess : IAsyncDisposable
{
    // Each stream keeps its own tail: a burst on stdout must not push out the one line on stderr that says why the
    // process stopped (the two are read on separate threads, so stderr's last line can be read before stdout's).
    private const int LinesKept = 5000;

    private readonly Process _process;
    private readonly ConcurrentQueue<(long Order, string Line)> _stdout = new();
    private readonly ConcurrentQueue<(long Order, string Line)> _stderr = new();
    private long _lines;

    private LoggedProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Processor time used so far (user and system), e.g. to cost a benchmark's requests.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>What the process printed (the last lines of each stream), stdout and stderr interleaved as read.</summary>
    public string Log => string.Join('\n', _stdout.Concat(_stderr).OrderBy(entry => entry.Order).Select(entry => entry.Line));

    public static LoggedProcess Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = new LoggedProcess(Process.Start(start)!);
        process._process.OutputDataReceived += (_, e) => process.Append(process._stdout, e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Append(process._stderr, e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Throws with the process's output when it has exited: for readiness loops. The exit is seen before the last of
    /// its output is read (the reader threads drain the pipes after it), so it waits for the pipes to close first,
    /// a while at most, since a child the process left running may hold them open.
    /// </summary>
    public async Task ThrowIfExitedAsync(string name)
    {
        if (!_process.HasExited) return;
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // An orphan holds the pipes: what was read so far says enough.
        }
        throw new InvalidOperationException($"{name} exited with {_process.ExitCode}:\n{Log}");
    }

    /// <summary>Waits for the process to exit and for its output to be drained into <see cref="Log"/>.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the process tree at once (SIGKILL), as a crash or a pulled cable would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Stops the process (SIGSTOP) until <see cref="Resume"/>: alive, its sockets open, answering nothing.</summary>
    public void Pause() => ProcessSignals.Stop(_process.Id);

    public void Resume() => ProcessSignals.Continue(_process.Id);

    /// <summary>Kills this process alone (SIGKILL), leaving its children orphaned.</summary>
    public void KillAlone() => _process.Kill(entireProcessTree: false);

    private void Append(ConcurrentQueue<(long Order, string Line)> stream, string? line)
    {
        if (line is null) return;
        stream.Enqueue((Interlocked.Increment(ref _lines), line));
        while (stream.Count > LinesKept) stream.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
