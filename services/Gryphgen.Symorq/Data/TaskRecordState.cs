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
    public static bool IsFinished(this TaskRecordState state) =>
        state is TaskRecordState.Succeeded or TaskRecordState.Failed or TaskRecordState.Cancelled;
}
