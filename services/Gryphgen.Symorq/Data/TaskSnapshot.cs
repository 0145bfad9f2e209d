namespace Gryphgen.Symorq.Data;

/// <summary>
/// The task as it was right after an event, stored with the event (<see cref="EventRecord.Snapshot"/>) so that a
/// replay shows progress as it was. The journal's own record, not the API's message: the API's
/// <see cref="Contracts.TaskInfo"/> is made from it (<see cref="Missions.TaskViews"/>).
/// </summary>
public sealed record TaskSnapshot(
    string TaskId, string Title, string Language, string Owner, TaskRecordState State, int Priority,
    int Iterations, int MaxIterations, long Tokens, long MaxTokens, string Reason, string CurrentStep, string WorkspaceId,
    TestCounts Tests, long CreatedUnixMs, long FinishedUnixMs)
{
    public static TaskSnapshot Of(TaskRecord task) => new(
        task.Id, task.Title, task.Language, task.Owner, task.State, task.Priority, task.Iterations, task.MaxIterations,
        task.Tokens, task.MaxTokens, task.Reason, task.IsFinished ? "" : task.CurrentStep, task.WorkspaceId,
        new TestCounts(task.TestsPassed, task.TestsFailed, task.TestsErrored),
        task.CreatedAt.ToUnixTimeMilliseconds(), task.FinishedAt?.ToUnixTimeMilliseconds() ?? 0);
}

/// <summary>The latest acceptance run's counts.</summary>
public sealed record TestCounts(int Passed, int Failed, int Errored);
