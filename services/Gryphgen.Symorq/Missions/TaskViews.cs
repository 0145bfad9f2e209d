using System.Text.Json;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions;

/// <summary>The API's messages made from the journal's rows: the one place where stored shapes meet wire shapes.</summary>
public static class TaskViews
{
    public static TaskInfo Info(TaskRecord task) => Info(TaskSnapshot.Of(task));

    public static TaskInfo Info(TaskSnapshot task) => new()
    {
        TaskId = task.TaskId, Title = task.Title, Language = task.Language, Owner = task.Owner, State = State(task.State),
        Priority = task.Priority, Iterations = task.Iterations, MaxIterations = task.MaxIterations, Tokens = task.Tokens,
        MaxTokens = task.MaxTokens, Reason = task.Reason, CurrentStep = task.CurrentStep, WorkspaceId = task.WorkspaceId,
        Tests = new TestSummary { Passed = task.Tests.Passed, Failed = task.Tests.Failed, Errored = task.Tests.Errored },
        CreatedUnixMs = task.CreatedUnixMs, FinishedUnixMs = task.FinishedUnixMs,
    };

    public static TaskStep Step(StepRecord step) => new()
    {
        Iteration = step.Iteration, Kind = step.Kind, State = step.State, Attempts = step.Attempts, Tokens = step.Tokens,
        Summary = step.State == StepStates.Failed ? step.Error : step.Summary,
        StartedUnixMs = step.StartedAt.ToUnixTimeMilliseconds(), FinishedUnixMs = step.FinishedAt?.ToUnixTimeMilliseconds() ?? 0,
    };

    public static TaskEvent Event(EventRecord record) => new()
    {
        Sequence = record.Sequence, TaskId = record.TaskId, TimeUnixMs = record.At.ToUnixTimeMilliseconds(), Kind = record.Kind,
        Iteration = record.Iteration, Step = record.Step, Message = record.Message,
        Task = record.Snapshot is { Length: > 0 } ? Info(JsonSerializer.Deserialize<TaskSnapshot>(record.Snapshot, JournalJson.Options)!) : null,
    };

    public static TaskState State(TaskRecordState state) => state switch
    {
        TaskRecordState.Queued => TaskState.Queued,
        TaskRecordState.Running => TaskState.Running,
        TaskRecordState.Succeeded => TaskState.Succeeded,
        TaskRecordState.Failed => TaskState.Failed,
        TaskRecordState.Cancelled => TaskState.Cancelled,
        _ => TaskState.Unspecified,
    };

    /// <summary>The stored state a caller's filter names; null for none (unspecified).</summary>
    public static TaskRecordState? State(TaskState state) => state switch
    {
        TaskState.Queued => TaskRecordState.Queued,
        TaskState.Running => TaskRecordState.Running,
        TaskState.Succeeded => TaskRecordState.Succeeded,
        TaskState.Failed => TaskRecordState.Failed,
        TaskState.Cancelled => TaskRecordState.Cancelled,
        _ => null,
    };
}
