using System.Text.Json.Serialization;

namespace Gryphgen.Symorq.Data;

/// <summary>
/// Where a task stands, as the journal stores it (by name, in <c>tasks.state</c> and in event snapshots). The API's
/// <see cref="Contracts.TaskState"/> is made from it (<see cref="Missions.TaskViews"/>), so a change to the wire enum
/// does not change what is stored.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskRecordState>))]
public enum TaskRecordState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

public static class TaskRecordStates
{
    /// <summary>The states a task ends in; it leaves none of them.</summary>
    public static readonly IReadOnlyList<TaskRecordState> Finished = [TaskRecordState.Succeeded, TaskRecordState.Failed, TaskRecordState.Cancelled];

    public static bool IsFinished(this TaskRecordState state) => Finished.Contains(state);
}
