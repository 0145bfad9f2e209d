using Google.Protobuf;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions;

/// <summary>The API's messages made from the journal's rows.</summary>
public static class TaskViews
{
    public static TaskInfo Info(TaskRecord task) => new()
    {
        TaskId = task.Id, Title = task.Title, Language = task.Language, Owner = task.Owner, State = task.State, Priority = task.Priority,
        Iterations = task.Iterations, MaxIterations = task.MaxIterations, Tokens = task.Tokens, MaxTokens = task.MaxTokens,
        Reason = task.Reason, CurrentStep = task.IsFinished ? "" : task.CurrentStep, WorkspaceId = task.WorkspaceId,
        Tests = new TestSummary { Passed = task.TestsPassed, Failed = task.TestsFailed, Errored = task.TestsErrored },
        CreatedUnixMs = task.CreatedAt.ToUnixTimeMilliseconds(), FinishedUnixMs = task.FinishedAt?.ToUnixTimeMilliseconds() ?? 0,
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
        Task = record.Snapshot is { Length: > 0 } ? JsonParser.Default.Parse<TaskInfo>(record.Snapshot) : null,
    };
}
