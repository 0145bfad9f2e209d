using System.Text.Json.Nodes;

namespace Gryphgen.Contracts.Missions;

/// <summary>
/// Tasks as JSON for people and scripts (the HTTP task API and <c>gryphgen ... --json</c> print the same shapes):
/// states by name, times as ISO 8601.
/// </summary>
public static class TaskJson
{
    public static JsonObject Task(TaskInfo task) => new()
    {
        ["id"] = task.TaskId,
        ["title"] = task.Title,
        ["language"] = task.Language,
        ["owner"] = task.Owner,
        ["state"] = TaskStateNames.Name(task.State),
        ["priority"] = task.Priority,
        ["iterations"] = task.Iterations,
        ["maxIterations"] = task.MaxIterations,
        ["tokens"] = task.Tokens,
        ["maxTokens"] = task.MaxTokens,
        ["reason"] = task.Reason,
        ["currentStep"] = task.CurrentStep,
        ["tests"] = new JsonObject { ["passed"] = task.Tests?.Passed ?? 0, ["failed"] = task.Tests?.Failed ?? 0, ["errored"] = task.Tests?.Errored ?? 0 },
        ["workspaceId"] = task.WorkspaceId,
        ["created"] = Time(task.CreatedUnixMs),
        ["finished"] = task.FinishedUnixMs == 0 ? null : Time(task.FinishedUnixMs),
    };

    public static JsonObject Detail(TaskDetail detail)
    {
        var json = Task(detail.Task);
        json["steps"] = new JsonArray(detail.Steps.Select(Step).ToArray<JsonNode?>());
        return json;
    }

    public static JsonObject Step(TaskStep step) => new()
    {
        ["iteration"] = step.Iteration,
        ["kind"] = step.Kind,
        ["state"] = step.State,
        ["attempts"] = step.Attempts,
        ["tokens"] = step.Tokens,
        ["summary"] = step.Summary,
        ["started"] = Time(step.StartedUnixMs),
        ["finished"] = step.FinishedUnixMs == 0 ? null : Time(step.FinishedUnixMs),
    };

    public static JsonObject Event(TaskEvent e) => new()
    {
        ["sequence"] = e.Sequence,
        ["taskId"] = e.TaskId,
        ["time"] = Time(e.TimeUnixMs),
        ["kind"] = e.Kind,
        ["iteration"] = e.Iteration,
        ["step"] = e.Step,
        ["message"] = e.Message,
        ["task"] = e.Task is null ? null : Task(e.Task),
    };

    /// <summary>A Unix time in milliseconds as ISO 8601, as every JSON shape here prints times.</summary>
    public static string Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("O");
}
