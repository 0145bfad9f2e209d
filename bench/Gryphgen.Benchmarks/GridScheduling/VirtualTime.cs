using Microsoft.Extensions.Time.Testing;

namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>
/// A discrete-event loop in virtual seconds on one thread. It is also the synchronization context the simulated
/// requests' <c>await</c>s resume on, so continuations the scheduler completes run here, in order, at the current
/// virtual time: a run is deterministic and independent of the machine's load.
/// </summary>
public sealed class VirtualTime : SynchronizationContext
{
    private readonly PriorityQueue<Action, (double Time, long Sequence)> _events = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _ready = new();
    private long _sequence;

    /// <summary>The clock the scheduler reads; it shows the virtual time of the event being run.</summary>
    public FakeTimeProvider Clock { get; } = new();

    public double Now { get; private set; }

    public DateTimeOffset Moment(double seconds) => Clock.Start + TimeSpan.FromSeconds(seconds);

    /// <summary>Runs <paramref name="action"/> at virtual time <paramref name="seconds"/> (same-time events in order of scheduling).</summary>
    public void At(double seconds, Action action) => _events.Enqueue(action, (seconds, ++_sequence));

    public Task Delay(double seconds)
    {
        var elapsed = new TaskCompletionSource();
        At(Now + seconds, elapsed.SetResult);
        return elapsed.Task;
    }

    public override void Post(SendOrPostCallback d, object? state) => _ready.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    /// <summary>Runs every event, and every continuation they cause, until nothing is left.</summary>
    public void Run()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            while (true)
            {
                while (_ready.TryDequeue(out var work)) work.Callback(work.State);
                if (!_events.TryDequeue(out var action, out var at)) return;
                Now = at.Time;
                Clock.SetUtcNow(Moment(Now));
                action();
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
