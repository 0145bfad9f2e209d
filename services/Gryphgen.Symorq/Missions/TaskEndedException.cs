using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions;

/// <summary>The task has reached its end (success, failure, cancellation) and why.</summary>
public sealed class TaskEndedException(TaskRecordState state, string reason) : Exception(reason)
{
    public TaskRecordState State { get; } = state;

    public string Reason { get; } = reason;
}
