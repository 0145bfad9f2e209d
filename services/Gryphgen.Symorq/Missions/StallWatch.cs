namespace Gryphgen.Symorq.Missions;

/// <summary>
/// The health loop's watch on one step: its token is cancelled when the step shows no progress (no progress
/// message from its agent) for the stall timeout. Each progress report restarts the clock.
/// </summary>
public sealed class StallWatch : IProgress<string>, IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _outer;
    private readonly TimeSpan _timeout;

    public StallWatch(TimeSpan timeout, CancellationToken outer)
    {
        _timeout = timeout;
        _outer = outer;
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _source.CancelAfter(timeout);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>True when the step was stopped for making no progress, not because the task was stopped.</summary>
    public bool Stalled => _source.IsCancellationRequested && !_outer.IsCancellationRequested;

    /// <summary>Stops the step's work for a reason of SYMORQ's own (its start could not be saved).</summary>
    public void Stop() => _source.Cancel();

    public void Report(string value)
    {
        try
        {
            _source.CancelAfter(_timeout);
        }
        catch (ObjectDisposedException)
        {
            // A late progress message for a step that has ended already.
        }
    }

    public void Dispose() => _source.Dispose();
}
