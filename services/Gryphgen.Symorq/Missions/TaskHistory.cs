using Gryphgen.Contracts;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions;

/// <summary>What earlier iterations did, told from the journal's steps: for the roles' prompts and for lessons.</summary>
public static class TaskHistory
{
    /// <summary>One line per earlier iteration: each completed step's summary.</summary>
    public static IEnumerable<string> Lines(IEnumerable<StepRecord> steps) =>
        steps.Where(s => s.Iteration > 0 && s.State == StepStates.Completed && s.Kind != StepKinds.Context)
            .GroupBy(s => s.Iteration).OrderBy(g => g.Key)
            .Select(g => $"iteration {g.Key}: " + string.Join("; ", g.Select(s => $"{s.Kind}: {s.Summary}")));

    /// <summary>What the task taught: the first failure seen, and what came of it.</summary>
    public static RecordLessonRequest Lesson(TaskRecord task, TaskSpec spec, IReadOnlyList<StepRecord> steps, bool succeeded)
    {
        var completed = steps.Where(s => s.State == StepStates.Completed).ToList();
        var firstFailure = completed.FirstOrDefault(s => s.Kind == StepKinds.Test && s.Summary.StartsWith("failed", StringComparison.Ordinal));
        var diagnosis = firstFailure is null ? null
            : completed.FirstOrDefault(s => s.Iteration == firstFailure.Iteration && s.Kind == StepKinds.Analyze);
        var lastGeneration = completed.LastOrDefault(s => s.Kind == StepKinds.Generate);
        return new RecordLessonRequest
        {
            TaskId = task.Id,
            Summary = $"{spec.Title} ({spec.Language}): {spec.Description.Shorten(600)}",
            Failure = firstFailure is null ? "the first attempt passed"
                : $"iteration {firstFailure.Iteration}: tests {firstFailure.Summary}" + (diagnosis is null ? "" : $"; analysis: {diagnosis.Summary}"),
            Fix = succeeded
                ? $"passed after {task.Iterations} iteration(s): {lastGeneration?.Summary ?? ""}"
                : $"not fixed within the budget; last attempt: {lastGeneration?.Summary ?? "none"}",
        };
    }

}
