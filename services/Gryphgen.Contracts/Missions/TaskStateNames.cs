namespace Gryphgen.Contracts.Missions;

/// <summary>Task states as people and scripts write them: queued, running, succeeded, failed, cancelled.</summary>
public static class TaskStateNames
{
    private static readonly Dictionary<TaskState, string> Names = new()
    {
        [TaskState.Queued] = "queued", [TaskState.Running] = "running", [TaskState.Succeeded] = "succeeded",
        [TaskState.Failed] = "failed", [TaskState.Cancelled] = "cancelled",
    };

    public static IEnumerable<string> All => Names.Values;

    public static string Name(TaskState state) => Names.GetValueOrDefault(state, "unknown");

    public static bool TryParse(string? name, out TaskState state)
    {
        state = Names.FirstOrDefault(n => string.Equals(n.Value, name?.Trim(), StringComparison.OrdinalIgnoreCase)).Key;
        return state != TaskState.Unspecified;
    }

    public static bool IsFinished(TaskState state) => state is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled;
}
