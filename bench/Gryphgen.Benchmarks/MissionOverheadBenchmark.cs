using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Benchmarks;

/// <summary>
/// What the mission loop itself costs per iteration: three-iteration tasks (fail, fail, pass) run one at a time by
/// the real services and agents against an instant scripted model and a trivial acceptance command. The time not
/// spent in the model or the tests is the iteration's wall time less the model's answers and the sandboxed test
/// runs, both measured on their own in the same run.
/// </summary>
public static class MissionOverheadBenchmark
{
    private const int Iterations = ScriptedBashTask.Iterations;

    public static Command Create()
    {
        var tasks = new Option<int>("--tasks") { Description = "three-iteration tasks to measure, one after another", DefaultValueFactory = _ => 20 }.AtLeast(1);
        // Every service and agent process compiles its code twice (quickly, then optimized once hot); with one call
        // per role per iteration the agents need a few dozen tasks before that settles.
        var warmUp = new Option<int>("--warm-up") { Description = "tasks run first and not measured", DefaultValueFactory = _ => 40 }.AtLeast(0);
        var command = new Command("mission-overhead", "SYMORQ: orchestration overhead per iteration of the mission loop") { tasks, warmUp };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(tasks), parse.GetValue(warmUp), ct));
        return command;
    }

    private static async Task RunAsync(int tasks, int warmUpTasks, CancellationToken ct)
    {
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        var system = new MissionSystem();
        await system.InitializeAsync();
        try
        {
            for (var i = 0; i < warmUpTasks; i++) await RunTaskAsync(system, warmUp: true);
            var details = new List<TaskDetail>();
            var clock = Stopwatch.StartNew();
            var processes = ProcessorTimes(system);
            for (var i = 0; i < tasks; i++) details.Add(await RunTaskAsync(system, warmUp: false));
            var used = Spent(processes, ProcessorTimes(system), details.Count * Iterations);
            var idleShare = clock.Elapsed.TotalSeconds / (details.Count * Iterations);
            // What the processes burn doing nothing (heartbeats, probes, polls), to tell it apart from the work.
            var idleStart = ProcessorTimes(system);
            await Task.Delay(IdleWindow, ct);
            var idle = Spent(idleStart, ProcessorTimes(system), IdleWindow.TotalMilliseconds / 1000);
            var model = await ModelAnswerMillisAsync(system, ct);
            var test = await TestRunMillisAsync(system, ct);
            Report(details, warmUpTasks, model, test);
            Console.WriteLine();
            Console.WriteLine($"processor time, ms: per iteration (a task's divided by its iterations) | of it, idle work ({idleShare:0.00} s of idle per iteration)");
            Console.WriteLine();
            Console.WriteLine("| process | per iteration | idle share |");
            Console.WriteLine("|---|---:|---:|");
            foreach (var ((name, millis), (_, idlePerSecond)) in used.Zip(idle))
                Console.WriteLine($"| {name} | {millis:0.0} | {idlePerSecond * idleShare:0.0} |");
        }
        finally
        {
            await system.DisposeAsync();
        }
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static async Task<TaskDetail> RunTaskAsync(MissionSystem system, bool warmUp)
    {
        var task = await system.SubmitAsync(ScriptedBashTask.Prepare(system, RoleScripts.NewMarker(warmUp ? "warmup" : "bench")));
        var done = await system.WaitForEndAsync(task.TaskId);
        if (done.Task.State != TaskState.Succeeded || done.Task.Iterations != Iterations)
            throw new InvalidOperationException($"the benchmark task did not run as scripted: {done}");
        return done;
    }

    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);

    private static List<(string Name, double Millis)> Spent((string Name, TimeSpan Time)[] before, (string Name, TimeSpan Time)[] after, double per) =>
        after.Zip(before, (a, b) => (a.Name, (a.Time - b.Time).TotalMilliseconds / per)).ToList();

    private static (string Name, TimeSpan Time)[] ProcessorTimes(MissionSystem system) =>
    [
        ("symorq", system.Symorq.ProcessorTime), ("symaug", system.Symaug.ProcessorTime), ("symorg", system.Symorg.ProcessorTime),
        ("agents", system.AgentsProcessorTime), ("benchmark process (scripted models included)", Process.GetCurrentProcess().TotalProcessorTime),
    ];

    /// <summary>One scripted answer straight from the scripted server, as an agent's call gets it (median of 200).</summary>
    private static async Task<double> ModelAnswerMillisAsync(MissionSystem system, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = system.Llm.Url };
        var body = new JsonObject { ["model"] = system.Llm.ModelId, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }) };
        var samples = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync("v1/chat/completions", body, ct);
            await response.Content.ReadAsStringAsync(ct);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Percentiles.Of(samples, 50);
    }

    /// <summary>
    /// The acceptance command alone in SYMAUG's sandbox, as the test step runs it (median of 30): the sandboxed run's
    /// own wall time, from SYMAUG starting it to its exit. SYMAUG's handling around it counts as overhead.
    /// </summary>
    private static async Task<double> TestRunMillisAsync(MissionSystem system, CancellationToken ct)
    {
        using var channel = ApiKeyChannel.Open(system.Symaug.GrpcUrl, GridProcesses.InternalCredential);
        var workspaces = new Workspaces.WorkspacesClient(channel);
        var workspace = await workspaces.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = "benchmark", Acceptance = new AcceptanceTest { Command = { ScriptedBashTask.Acceptance.Split(' ') } },
        }, cancellationToken: ct);
        await workspaces.WriteFilesAsync(new WriteFilesRequest
        {
            WorkspaceId = workspace.WorkspaceId, Files = { new FileContent { Path = "state.txt", Content = ByteString.CopyFromUtf8("pass\n") } },
        }, cancellationToken: ct);
        var samples = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var report = await workspaces.TestAsync(new TestRequest { WorkspaceId = workspace.WorkspaceId }, cancellationToken: ct);
            samples.Add(report.Run.WallTimeMs);
        }
        return Percentiles.Of(samples, 50);
    }

    private static void Report(IReadOnlyList<TaskDetail> details, int warmUpTasks, double modelMillis, double testMillis)
    {
        // An iteration runs from its first step's start to the next iteration's first step (the last: to the end of
        // its last step). The task's own steps, prepare before and lesson after, are in the whole task's time.
        var iterations = details.SelectMany(d => Enumerable.Range(1, Iterations).Select(i =>
        {
            var steps = d.Steps.Where(s => s.Iteration == i && s.Kind != "lesson").ToList();
            var next = d.Steps.Where(s => s.Iteration == i + 1).Select(s => s.StartedUnixMs).DefaultIfEmpty(steps.Max(s => s.FinishedUnixMs)).Min();
            return (Number: i, Millis: (double)(next - steps.Min(s => s.StartedUnixMs)));
        })).ToList();
        var modelCalls = details.Average(d => d.Steps.Count(s => s.Kind is "generate" or "analyze" or "monitor" or "decide")) / Iterations;
        double Overhead(double millis) => millis - modelCalls * modelMillis - testMillis;
        var iterationMillis = iterations.Select(i => i.Millis).ToList();
        var overhead = iterationMillis.Select(Overhead).ToList();

        Console.WriteLine();
        Console.WriteLine($"{details.Count} tasks of {Iterations} iterations (after {warmUpTasks} warm-up tasks), one at a time; milliseconds");
        Console.WriteLine();
        Console.WriteLine("| | p50 | p95 | mean |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| iteration, wall | {Percentiles.Of(iterationMillis, 50):0.0} | {Percentiles.Of(iterationMillis, 95):0.0} | {iterationMillis.Average():0.0} |");
        Console.WriteLine($"| model answers ({modelCalls:0.##} per iteration × {modelMillis:0.00}) | {modelCalls * modelMillis:0.0} | | |");
        Console.WriteLine($"| acceptance run in the sandbox | {testMillis:0.0} | | |");
        Console.WriteLine($"| **orchestration overhead per iteration (mean: what a task pays)** | {Percentiles.Of(overhead, 50):0.0} | {Percentiles.Of(overhead, 95):0.0} | **{overhead.Average():0.0}** |");
        // The three iterations are not alike (the first builds the context, the last ends the task), so pooling
        // them hides which one costs what.
        foreach (var number in Enumerable.Range(1, Iterations))
        {
            var own = iterations.Where(i => i.Number == number).Select(i => Overhead(i.Millis)).ToList();
            Console.WriteLine($"| overhead, iteration {number} only | {Percentiles.Of(own, 50):0.0} | {Percentiles.Of(own, 95):0.0} | {own.Average():0.0} |");
        }
        var wholeTask = details.Select(d => (double)(d.Task.FinishedUnixMs - d.Steps.Min(s => s.StartedUnixMs))).ToList();
        Console.WriteLine($"| whole task ({Iterations} iterations, prepare and lesson included) | {Percentiles.Of(wholeTask, 50):0.0} | {Percentiles.Of(wholeTask, 95):0.0} | {wholeTask.Average():0.0} |");
        Console.WriteLine();
        Console.WriteLine("| step | p50 | p95 | mean |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var kind in details[0].Steps.Select(s => s.Kind).Distinct())
        {
            var samples = details.SelectMany(d => d.Steps).Where(s => s.Kind == kind).Select(s => (double)(s.FinishedUnixMs - s.StartedUnixMs)).ToList();
            Console.WriteLine($"| {kind} | {Percentiles.Of(samples, 50):0.0} | {Percentiles.Of(samples, 95):0.0} | {samples.Average():0.0} |");
        }
    }
}
