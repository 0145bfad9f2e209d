using System.CommandLine;
using System.Diagnostics;
using Gryphgen.Symaug.Git;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Symaug.Workspaces;
using Microsoft.Extensions.Options;

namespace Gryphgen.Benchmarks;

/// <summary>
/// SYMAUG's overhead: <c>python3 -c pass</c> run plainly against the same run through the whole sandbox path
/// (prlimit, bubblewrap, the unprivileged user, the accounting shell), and one git checkpoint, side by side.
/// </summary>
public static class SandboxOverheadBenchmark
{
    public static Command Create()
    {
        var iterations = new Option<int>("--iterations") { Description = "runs of each kind", DefaultValueFactory = _ => 30 }.AtLeast(1);
        var command = new Command("sandbox-overhead", "SYMAUG: one sandboxed run against an unsandboxed one, and a checkpoint") { iterations };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(iterations), cancellationToken));
        return command;
    }

    private static async Task RunAsync(int iterations, CancellationToken cancellationToken)
    {
        var options = Options.Create(new SandboxOptions());
        var root = Directory.CreateTempSubdirectory("gryphgen-bench-").FullName;
        var workspaceOptions = Options.Create(new WorkspaceOptions { Root = root });
        var sandbox = new BubblewrapSandbox(options);
        var users = new SandboxUsers(options, workspaceOptions);
        var owner = new SandboxOwner(workspaceOptions);
        using var cgroups = new RunCgroups(options, owner);
        var runner = new SandboxedRunner(sandbox, options, owner, users, cgroups);
        var layout = new WorkspaceLayout(Path.Combine(root, "bench"));
        try
        {
            Directory.CreateDirectory(layout.Files);
            var files = new WorkspaceFiles(layout.Files, new WorkspaceOptions(), users.Assign(layout.Files)?.Uid);
            files.Write([.. Enumerable.Range(0, 20).Select(i => File($"src/module{i}.py", $"VALUE = {i}\n" + new string('#', 2000)))], new HashSet<string>());
            var git = new GitRepository(layout);
            await git.InitAsync(cancellationToken);
            var python = options.Value.Python;
            var run = new SandboxRun(layout.Files, [python, "-c", "pass"], TimeSpan.FromSeconds(30), 1 << 20);

            var plain = await MeasureAsync(iterations, async i =>
            {
                var result = await ProcessRunner.RunAsync(python, ["-c", "pass"], TimeSpan.FromSeconds(30), cancellationToken);
                if (!result.Succeeded) throw new InvalidOperationException(result.StandardError);
            });
            var sandboxed = await MeasureAsync(iterations, async i =>
            {
                var result = await runner.RunAsync(run, cancellationToken);
                if (result.ExitCode != 0) throw new InvalidOperationException(result.Stderr.ToStringUtf8());
            });
            var checkpoint = await MeasureAsync(iterations, i =>
            {
                files.Write([File($"src/module{i % 20}.py", $"VALUE = {i}\n")], new HashSet<string>());
                git.CommitAll($"checkpoint {i}");
                return Task.CompletedTask;
            });

            Console.WriteLine($"{iterations} iterations each, after one warm-up; milliseconds");
            Console.WriteLine();
            Console.WriteLine("| operation | p50 | p95 | mean |");
            Console.WriteLine("|---|---:|---:|---:|");
            Row("`python3 -c pass`, unsandboxed", plain);
            Row("`python3 -c pass`, sandboxed (prlimit + bwrap + setpriv)", sandboxed);
            Row("checkpoint: one file changed of 20, staged and committed in-process (libgit2)", checkpoint);
            Console.WriteLine();
            Console.WriteLine($"sandbox overhead per run (p50): {Percentiles.Of(sandboxed, 50) - Percentiles.Of(plain, 50):0.0} ms");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static Gryphgen.Contracts.FileContent File(string path, string content) =>
        new() { Path = path, Content = Google.Protobuf.ByteString.CopyFromUtf8(content) };

    private static async Task<List<double>> MeasureAsync(int iterations, Func<int, Task> operation)
    {
        await operation(iterations); // warm-up: JIT, page cache
        var samples = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            await operation(i);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        return samples;
    }

    private static void Row(string name, IReadOnlyList<double> samples) =>
        Console.WriteLine($"| {name} | {Percentiles.Of(samples, 50):0.0} | {Percentiles.Of(samples, 95):0.0} | {samples.Average():0.0} |");
}
