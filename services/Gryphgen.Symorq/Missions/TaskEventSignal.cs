using System.Collections.Concurrent;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// Wakes the watchers of one task on this replica when an event of that task is written, so <c>watch</c> streams
/// without polling delay and a write wakes only its own task's watchers (each of which then reads PostgreSQL).
/// Events written by another replica reach watchers through their periodic re-read instead.
/// </summary>
public sealed class TaskEventSignal
{
    // Only tasks someone waits on have an entry; a pulse takes it away.
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    /// <summary>Completes at the next <see cref="Pulse"/> of <paramref name="taskId"/>; take it before reading, then wait on it.</summary>
    public Task Next(string taskId) =>
        _next.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Pulse(string taskId)
    {
        if (_next.TryRemove(taskId, out var waiting)) waiting.TrySetResult();
    }

    /// <summary>Wakes every waiting watcher: when writes may have gone unheard (<see cref="TaskEventListener"/> was reconnecting).</summary>
    public void PulseAll()
    {
        foreach (var taskId in _next.Keys) Pulse(taskId);
    }

    /// <summary>Tasks with a watcher waiting for their next event (what a pulse can wake).</summary>
    public int Waiting => _next.Count;
}
