namespace Gryphgen.Symorq.Missions;

/// <summary>
/// A later claim on the task exists (another replica took it after this one's lease ran out): what this run still
/// wanted to write was refused, and the run stops without touching the task again.
/// </summary>
public sealed class ClaimLostException(string taskId, long generation, Exception? inner = null)
    : Exception($"task {taskId}: claim {generation} was superseded by a later one", inner)
{
    public string TaskId { get; } = taskId;
}
