namespace Gryphgen.Symorq.Data;

/// <summary>
/// One step of one iteration of a task. A completed step keeps its output, so a task resumed after a restart
/// reads it back instead of running the step again.
/// </summary>
public sealed class StepRecord
{
    public long Id { get; set; }

    public required string TaskId { get; set; }

    public int Iteration { get; set; }

    public required string Kind { get; set; }

    public string State { get; set; } = StepStates.Running;

    public int Attempts { get; set; }

    public long Tokens { get; set; }

    public string Summary { get; set; } = "";

    /// <summary>The step's result as JSON, read back on resume; empty until completed.</summary>
    public string Output { get; set; } = "";

    public string Error { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

public static class StepStates
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
