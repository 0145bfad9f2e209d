namespace Gryphgen.Symorq.Missions;

/// <summary>The kinds of task events (<c>TaskEvent.kind</c>).</summary>
public static class TaskEventKinds
{
    public const string Submitted = "submitted";
    public const string Started = "started";
    public const string Resumed = "resumed";
    public const string IterationStarted = "iteration-started";
    public const string StepStarted = "step-started";
    public const string StepFinished = "step-finished";
    public const string StepFailed = "step-failed";
    public const string StepStalled = "step-stalled";
    public const string Tests = "tests";
    public const string Decision = "decision";
    public const string Warning = "warning";
    public const string Ended = "ended";
}

/// <summary>Why tasks end, where the reason is always the same words.</summary>
public static class TaskReasons
{
    public const string CancelledByUser = "cancelled by the user";
}
