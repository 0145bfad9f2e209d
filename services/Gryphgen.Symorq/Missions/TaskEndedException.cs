using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Missions;

/// <summary>The task has reached its end (success, failure, cancellation) and why.</summary>
public sealed class TaskEndedException(TaskState state, string reason) : Exception(reason)
{
    public TaskState State { get; } = state;

    public string Reason { get; } = reason;
}
