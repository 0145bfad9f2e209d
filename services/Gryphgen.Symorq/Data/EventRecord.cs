namespace Gryphgen.Symorq.Data;

/// <summary>Something that happened to a task, in order: what <c>watch</c> streams and <c>show</c> tells.</summary>
public sealed class EventRecord
{
    /// <summary>Increasing across all tasks; a watcher resumes after the last one it saw.</summary>
    public long Sequence { get; set; }

    public required string TaskId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Kind { get; set; }

    public int Iteration { get; set; }

    public string Step { get; set; } = "";

    public string Message { get; set; } = "";

    /// <summary>
    /// The task right after the event (TaskInfo as protobuf JSON), so a replay shows progress as it was; null once
    /// retention has dropped it (<see cref="Retention.RetentionOptions.WorkspacesFor"/>).
    /// </summary>
    public string? Snapshot { get; set; }
}
