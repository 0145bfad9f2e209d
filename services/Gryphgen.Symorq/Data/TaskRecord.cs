namespace Gryphgen.Symorq.Data;

/// <summary>One task: its specification as submitted, where it stands, and which replica works on it.</summary>
public sealed class TaskRecord
{
    public required string Id { get; set; }

    public required string Title { get; set; }

    public required string Language { get; set; }

    /// <summary>The name of the API key that submitted it: a <c>user</c> key sees only its own tasks.</summary>
    public required string Owner { get; set; }

    /// <summary>The validated specification as JSON (<see cref="Missions.TaskSpec"/>).</summary>
    public required string Spec { get; set; }

    public TaskRecordState State { get; set; } = TaskRecordState.Queued;

    public int Priority { get; set; }

    /// <summary>Iterations started so far; the current one while running.</summary>
    public int Iterations { get; set; }

    public int MaxIterations { get; set; }

    public long Tokens { get; set; }

    public long MaxTokens { get; set; }

    public string Reason { get; set; } = "";

    public string CurrentStep { get; set; } = "";

    public string WorkspaceId { get; set; } = "";

    /// <summary>The generator's model alias after the optimizer escalated it; empty: as the spec says.</summary>
    public string EscalatedModel { get; set; } = "";

    public int TestsPassed { get; set; }

    public int TestsFailed { get; set; }

    public int TestsErrored { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>The replica working on the task, until <see cref="LeaseUntil"/>; a replica that dies stops renewing it.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>
    /// Counts the claims on the task: each claim takes the next number. It is the fence of the claim's work: the
    /// journal's writes and SYMAUG's changes are refused once a later claim exists.
    /// </summary>
    public long LeaseGeneration { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>When retention archived its workspace and dropped its events' snapshots (<see cref="Retention.RetentionSweep"/>).</summary>
    public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>When retention deleted its artifacts (the workspace's archive): from then on there are none to download.</summary>
    public DateTimeOffset? ArtifactsDeletedAt { get; set; }

    public bool IsFinished => State.IsFinished();
}
