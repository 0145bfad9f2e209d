using Gryphgen.Contracts;
using Gryphgen.Contracts.Missions;
using Spectre.Console;

namespace Gryphgen.Cli.Commands;

/// <summary>
/// Follows a task's events to its end: each event as a line, and on a terminal a live status line with the
/// iteration, the current step, the tests passing and the tokens used.
/// </summary>
public static class TaskProgress
{
    public const int Succeeded = 0, NotSucceeded = 1;

    /// <summary>Follows the task until it ends and returns it as it ended.</summary>
    public static async Task<TaskInfo> FollowAsync(Tasks.TasksClient client, string taskId, bool quiet, CancellationToken ct)
    {
        using var call = client.Watch(new WatchTaskRequest { TaskId = taskId }, cancellationToken: ct);
        if (quiet || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            while (await call.ResponseStream.MoveNext(ct))
                if (!quiet) AnsiConsole.MarkupLine(Line(call.ResponseStream.Current));
        }
        else
        {
            await AnsiConsole.Status().StartAsync($"{taskId}: waiting for the first event", async status =>
            {
                while (await call.ResponseStream.MoveNext(ct))
                {
                    var e = call.ResponseStream.Current;
                    AnsiConsole.MarkupLine(Line(e));
                    if (e.Task is { } task) status.Status(Shown.Markup(StatusLine(task)));
                }
            });
        }
        return (await client.GetAsync(new TaskRef { TaskId = taskId }, cancellationToken: ct)).Task;
    }

    public static int ExitCode(TaskInfo task) => task.State == TaskState.Succeeded ? Succeeded : NotSucceeded;

    /// <summary>The one line that says how a task ended (or stands).</summary>
    public static string Outcome(TaskInfo task) =>
        $"{task.TaskId} {TaskStateNames.Name(task.State)} after {task.Iterations} iteration(s), {task.Tokens:N0} tokens" +
        (task.Reason.Length > 0 ? $": {Shown.Plain(task.Reason)}" : "");

    private static string StatusLine(TaskInfo task) =>
        $"iteration {task.Iterations}/{task.MaxIterations} · {(task.CurrentStep.Length > 0 ? task.CurrentStep : TaskStateNames.Name(task.State))} · " +
        $"tests {task.Tests?.Passed ?? 0} passing, {(task.Tests?.Failed ?? 0) + (task.Tests?.Errored ?? 0)} failing · {task.Tokens:N0} tokens";

    private static string Line(TaskEvent e)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(e.TimeUnixMs).ToLocalTime().ToString("HH:mm:ss");
        var where = e.Iteration > 0 ? $"#{e.Iteration} " : "";
        var color = e.Kind switch
        {
            "ended" => e.Task?.State == TaskState.Succeeded ? "green" : "red",
            "step-failed" or "step-stalled" or "warning" => "yellow",
            "decision" or "tests" => "blue",
            _ => "grey",
        };
        return $"[grey]{time}[/] {where}[{color}]{Shown.Markup(e.Kind)}[/] {Shown.Markup(e.Message)}";
    }
}
