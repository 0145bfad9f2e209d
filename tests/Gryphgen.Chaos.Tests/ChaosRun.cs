using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Chaos.Tests;

/// <summary>
/// Runs <see cref="Tasks"/> tasks (each fails two iterations and passes its third) and, while they run, injects
/// one fault at a random moment; then reads what came of it from SYMORQ, SYMAUG and the scripted servers. The moment
/// is counted in steps, not seconds (after a random number of the tasks' steps have finished, fewer than they take),
/// so that it falls while they run however fast or slow the machine is.
/// </summary>
public sealed class ChaosRun(ChaosSystem system)
{
    public const int Tasks = 3;

    /// <summary>Any task not ended by then is lost: every healthy run here ends in well under a minute.</summary>
    private static readonly TimeSpan EndWithin = TimeSpan.FromMinutes(4);

    private static readonly string[] Roles = ["generator", "analyzer", "monitor", "optimizer"];

    private static readonly Dictionary<string, string> StepOfRole = new()
    {
        ["generator"] = "generate", ["analyzer"] = "analyze", ["monitor"] = "monitor", ["optimizer"] = "decide",
    };

    /// <summary>The fault comes after 1 to this many finished steps: each task here takes about 18 (prepare, context, five an iteration, lesson).</summary>
    private const int LatestMoment = 8 * Tasks;

    public async Task<ChaosOutcome> RunAsync(Fault fault, Random random)
    {
        if (fault.PrepareAsync is { } prepare) await prepare(system);
        var markers = Enumerable.Range(0, Tasks).Select(_ => RoleScripts.NewMarker("chaos")).ToList();
        foreach (var marker in markers) Script(marker);
        var submitted = await Task.WhenAll(markers.Select(m => system.SubmitAsync(WordCount.Spec(m, iterations: 4, models: fault.Models))));
        await StepsFinishedAsync(submitted, random.Next(1, LatestMoment + 1));
        var running = await RunningAsync(submitted);
        await fault.InjectAsync(system);
        var healed = DateTimeOffset.UtcNow;

        var ended = await Task.WhenAll(submitted.Select(t => EndOfAsync(t.TaskId)));
        var done = ended.OfType<TaskDetail>().ToList();
        var duplicated = 0;
        foreach (var task in done) duplicated += await DuplicatedEffectsAsync(task);
        // Calls to the scripted servers beyond one per completed step of their roles (the llama-server keeps no count).
        var scripted = Roles.Where(role => !(fault.AnalyzerOnLlama && role == "analyzer")).ToList();
        var calls = markers.Sum(m => scripted.Sum(role => system.Scripts.Calls(m, role)));
        var answered = done.Sum(d => d.Steps.Count(s => s.State == "completed" && scripted.Any(role => StepOfRole[role] == s.Kind)));
        return new ChaosOutcome(fault.Name, Tasks, running,
            Succeeded: done.Count(d => d.Task.State == TaskState.Succeeded),
            Failed: [.. done.Where(d => d.Task.State != TaskState.Succeeded).Select(d => $"{d.Task.TaskId}: {d.Task.State} ({d.Task.Reason})")],
            Lost: Tasks - done.Count, DuplicatedEffects: duplicated, CallsRedone: calls - answered,
            LessonsLost: done.Count(d => !d.Steps.Any(s => s.Kind == "lesson" && s.Summary.StartsWith("lesson stored", StringComparison.Ordinal))),
            Recovery: await FirstStepAfterAsync(healed), Details: string.Join("\n", ended.Select(d => d?.ToString() ?? "lost")));
    }

    /// <summary>Waits until the system reports every component healthy again, on its own; returns what was still unhealthy at the end otherwise.</summary>
    public async Task<IReadOnlyList<string>> UnhealthyAfterAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        IReadOnlyList<string> unhealthy = ["no status yet"];
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                unhealthy = await system.UnhealthyAsync();
                if (unhealthy.Count == 0) break;
            }
            catch (RpcException ex)
            {
                unhealthy = [$"status: {ex.StatusCode}"];
            }
            await Task.Delay(500);
        }
        return unhealthy;
    }

    private void Script(string marker)
    {
        var spacesOnly = RoleAnswers.Generate("split on spaces", WordCount.SpacesOnly);
        system.Scripts.Script(marker, "generator", spacesOnly, spacesOnly, RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        system.Scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "split() without an argument"));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0.5), RoleAnswers.Monitor(false, 0.5), RoleAnswers.Monitor(true, 1.0));
        system.Scripts.Script(marker, "optimizer", RoleAnswers.Optimize("continue", "fixable"));
    }

    /// <summary>Waits (bounded) until the tasks have finished <paramref name="steps"/> steps between them.</summary>
    private Task StepsFinishedAsync(TaskInfo[] submitted, int steps) =>
        Eventually.Get(() => system.SqlAsync<long>("SELECT count(*) FROM symorq.task_events WHERE kind = 'step-finished' AND task_id = ANY(@ids)", "",
                ("ids", submitted.Select(t => t.TaskId).ToArray())),
            finished => finished >= steps, EndWithin, $"{steps} steps finished");

    /// <summary>How many of the tasks have not ended yet: those the fault can reach.</summary>
    private async Task<int> RunningAsync(TaskInfo[] submitted)
    {
        var details = await Task.WhenAll(submitted.Select(t => system.GetAsync(t.TaskId)));
        return details.Count(d => d.Task.State is TaskState.Queued or TaskState.Running);
    }

    /// <summary>The task once ended; null when it has not ended in time (lost). SYMORQ may still be coming back: its refusals are waited out.</summary>
    private async Task<TaskDetail?> EndOfAsync(string taskId)
    {
        var deadline = DateTime.UtcNow + EndWithin;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var detail = await system.GetAsync(taskId);
                if (detail.Task.State is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled) return detail;
            }
            catch (RpcException)
            {
                // down, or its database is
            }
            await Task.Delay(250);
        }
        return null;
    }

    /// <summary>
    /// Effects applied more than once, as SYMAUG recorded them: workspaces beyond the task's one, and checkpoints beyond
    /// one per iteration (each checkpoint is a test run of that iteration's files).
    /// </summary>
    private async Task<int> DuplicatedEffectsAsync(TaskDetail task)
    {
        var workspaces = await system.SqlAsync<long>("SELECT count(*) FROM symaug.workspaces WHERE task_id = @id", task.Task.TaskId);
        var checkpoints = await system.Workspaces.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = task.Task.WorkspaceId });
        var repeated = checkpoints.Checkpoints.GroupBy(c => c.Message.Split(':')[0]).Sum(g => g.Count() - 1);
        return (int)(workspaces - 1) + repeated;
    }

    /// <summary>From the heal to the first step any task completed after it: how long the system took to make progress again.</summary>
    private async Task<TimeSpan?> FirstStepAfterAsync(DateTimeOffset healed)
    {
        var seconds = await system.SqlAsync<double>(
            "SELECT coalesce(extract(epoch FROM min(at) - @healed), -1)::float8 FROM symorq.task_events WHERE kind = 'step-finished' AND at > @healed",
            "", ("healed", healed.ToUniversalTime()));
        return seconds < 0 ? null : TimeSpan.FromSeconds(seconds);
    }
}

/// <summary>What came of one fault: a row of the reliability table.</summary>
/// <remarks><see cref="LessonsLost"/>: ended tasks whose lesson SYMORG did not store (an effect lost, not a task).</remarks>
public sealed record ChaosOutcome(string Fault, int Tasks, int RunningAtFault, int Succeeded, IReadOnlyList<string> Failed, int Lost, int DuplicatedEffects,
    int CallsRedone, int LessonsLost, TimeSpan? Recovery, string Details)
{
    public string Row => $"| {Fault} | {Tasks} | {RunningAtFault} | {Succeeded} | {Failed.Count} | {Lost} | {DuplicatedEffects} | {CallsRedone} | " +
        (Recovery is { } r ? $"{r.TotalSeconds:0.0} s" : "(all ended before the heal)") + " |";
}
