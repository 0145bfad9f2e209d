using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Llm;
using Gryphgen.Testing;

namespace Gryphgen.Benchmarks;

/// <summary>
/// The load run: a batch of tasks of mixed priority (high, normal, low in turn) submitted at once, run by one SYMORQ
/// replica and then, on the same system, by two (the second with agents of its own), side by side in one run. None may
/// be lost. Measured: each task's wait from submit to its first step (the journal's own clock), by priority, and the
/// batch's wall time from the first submit to the last end.
/// </summary>
public static class LoadRunBenchmark
{
    private static readonly string[] Priorities = ["high", "normal", "low"];

    /// <summary>Longer than any batch here takes; a task not ended by then is lost.</summary>
    private static readonly TimeSpan EndWithin = TimeSpan.FromMinutes(30);

    public static Command Create()
    {
        var tasks = new Option<int>("--tasks") { Description = "tasks submitted at once in each batch", DefaultValueFactory = _ => 100 }.AtLeast(1);
        var command = new Command("load-run", "SYMORQ: a batch of concurrent tasks of mixed priority on one replica and on two") { tasks };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(tasks), ct));
        return command;
    }

    private static async Task RunAsync(int tasks, CancellationToken ct)
    {
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        var system = new MissionSystem();
        await system.InitializeAsync();
        SymorqReplica? second = null;
        try
        {
            // A small batch first: every process compiles its hot paths before the measured batches.
            await BatchAsync(system, Math.Min(tasks, 10), ct);
            var one = await BatchAsync(system, tasks, ct);
            second = await system.StartReplicaAsync();
            var two = await BatchAsync(system, tasks, ct);
            Report(tasks, [("1 replica", one), ("2 replicas", two)]);
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
            await system.DisposeAsync();
        }
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static async Task<Batch> BatchAsync(MissionSystem system, int count, CancellationToken ct)
    {
        var specs = Enumerable.Range(0, count).Select(i => ScriptedBashTask.Prepare(system, RoleScripts.NewMarker("load"), Priorities[i % Priorities.Length])).ToList();
        var clock = Stopwatch.StartNew();
        var submitted = await Task.WhenAll(specs.Select(system.SubmitAsync));
        var ids = submitted.Select(t => t.TaskId).ToArray();
        var ended = await EndedAsync(system, ids, ct);
        var wall = clock.Elapsed;
        var waits = await system.SqlListAsync("""
            SELECT t.priority || ' ' || extract(epoch FROM min(e.at) - t.created_at)::text
            FROM symorq.tasks t JOIN symorq.task_events e ON e.task_id = t.id AND e.kind = 'step-started'
            WHERE t.id = ANY(@ids) GROUP BY t.id, t.priority
            """, "", ("ids", ids));
        return new Batch(ended.Count(t => t.State == TaskState.Succeeded), count - ended.Count, wall,
            [.. waits.Select(w => w.Split(' ')).Select(w => (Priority: int.Parse(w[0], CultureInfo.InvariantCulture), Seconds: double.Parse(w[1], CultureInfo.InvariantCulture)))]);
    }

    /// <summary>The tasks that ended within <see cref="EndWithin"/>, read a page at a time (one list call a second, not a poll per task).</summary>
    private static async Task<List<TaskInfo>> EndedAsync(MissionSystem system, string[] ids, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + EndWithin;
        var wanted = ids.ToHashSet();
        var ended = new Dictionary<string, TaskInfo>();
        while (ended.Count < wanted.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            foreach (var state in new[] { TaskState.Succeeded, TaskState.Failed, TaskState.Cancelled })
            {
                var page = await system.Tasks.ListAsync(new ListTasksRequest { State = state, Limit = 500 }, cancellationToken: ct);
                foreach (var task in page.Tasks.Where(t => wanted.Contains(t.TaskId))) ended[task.TaskId] = task;
            }
        }
        return [.. ended.Values];
    }

    private static void Report(int tasks, IReadOnlyList<(string Name, Batch Batch)> runs)
    {
        Console.WriteLine();
        Console.WriteLine($"{tasks} tasks submitted at once ({string.Join(", ", Priorities)} in turn), {ScriptedBashTask.Iterations} iterations each; " +
            $"wait from submit to first step, seconds");
        Console.WriteLine();
        Console.WriteLine("| replicas | succeeded | lost | batch wall time | wait p50 | wait p95 | high p50 / p95 | normal p50 / p95 | low p50 / p95 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, batch) in runs)
        {
            var all = batch.Waits.Select(w => w.Seconds).ToList();
            string Of(string priority)
            {
                GridPriority.TryParse(priority, out var level);
                var own = batch.Waits.Where(w => w.Priority == level).Select(w => w.Seconds).ToList();
                return own.Count == 0 ? "–" : $"{Percentiles.Of(own, 50):0.00} / {Percentiles.Of(own, 95):0.00}";
            }
            Console.WriteLine($"| {name} | {batch.Succeeded} | {batch.Lost} | {batch.Wall.TotalSeconds:0.0} s | {Percentiles.Of(all, 50):0.00} | " +
                $"{Percentiles.Of(all, 95):0.00} | {Of("high")} | {Of("normal")} | {Of("low")} |");
        }
    }

    private sealed record Batch(int Succeeded, int Lost, TimeSpan Wall, IReadOnlyList<(int Priority, double Seconds)> Waits);
}
