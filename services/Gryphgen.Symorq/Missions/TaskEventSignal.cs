namespace Gryphgen.Symorq.Missions;

/// <summary>
/// Wakes the watchers of this replica when a task event is written, so <c>watch</c> streams without polling delay.
/// Events written by another replica reach watchers through their periodic re-read instead.
/// </summary>
public sealed class TaskEventSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>; take it before reading, then wait on it.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
