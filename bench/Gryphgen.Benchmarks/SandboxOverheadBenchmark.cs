using System.CommandLine;
using System.Diagnostics;
using Google.Protobuf;
using Gryphgen.Contracts;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Symaug.Workspaces;
using Gryphgen.Testing;
using Microsoft.Extensions.Options;

namespace Gryphgen.Benchmarks;

/// <summary>
/// SYMAUG's overhead: <c>python3 -c pass</c> run plainly against the same run through each sandbox backend, and a
/// real <c>Checkpoint</c> call to a running SYMAUG (the acceptance run, the commit of the whole tree, the database
/// row), side by side. Every variant runs once per round, the order turning by one each round, so drift on a
/// shared machine hits all alike.
/// </summary>
public static class SandboxOverheadBenchmark
{
    /// <summary>One row of the table: run once per round, it returns the milliseconds of the part it times.</summary>
    private sealed record Variant(string Name, Func<int, Task<double>> Measure);

    private const int SeedModules = 20;

    public static Command Create()
    {
        var iterations = new Option<int>("--iterations") { Description = "rounds; each runs every variant once", DefaultValueFactory = _ => 30 }.AtLeast(1);
        var command = new Command("sandbox-overhead", "SYMAUG: sandboxed runs against an unsandboxed one, and Checkpoint calls") { iterations };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(iterations), cancellationToken));
        return command;
    }

    private static async Task RunAsync(int iterations, CancellationToken cancellationToken)
    {
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        var options = Options.Create(new SandboxOptions());
        var root = Directory.CreateTempSubdirectory("gryphgen-bench-").FullName;
        var workspaceOptions = Options.Create(new WorkspaceOptions { Root = root });
        var users = new SandboxUsers(options, workspaceOptions);
        var owner = new SandboxOwner(workspaceOptions);
        using var cgroups = new RunCgroups(options, owner, TimeProvider.System);
        var bubblewrap = new SandboxedRunner(new BubblewrapBackend(new BubblewrapSandbox(options), options, users, cgroups), owner);
        var containers = new ContainerBackend(options, users, owner);
        var container = new SandboxedRunner(containers, owner);
        if (await containers.WhyNotAsync(cancellationToken) is { } noContainer) throw new InvalidOperationException($"the container backend cannot run here: {noContainer}");
        var runFolder = Path.Combine(root, "run");
        Directory.CreateDirectory(runFolder);
        File.WriteAllText(Path.Combine(runFolder, "test_small.py"), "def test_one():\n    assert 1 + 1 == 2\n\ndef test_two():\n    assert 'a' in 'abc'\n");
        users.Assign(runFolder);
        var python = options.Value.Python;
        string[] Pass(string _) => [python, "-c", "pass"];
        string[] PytestFile(string folder) => [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", $"{folder}/test_small.py"];

        IEnumerable<Variant> Backends(string name, Func<string, string[]> command)
        {
            var run = new SandboxRun(runFolder, command(SandboxRun.WorkspaceMount), TimeSpan.FromSeconds(60), 1 << 20);
            var plain = command(runFolder);
            yield return new($"{name}, unsandboxed", _ => TimedAsync(async () =>
            {
                var result = await ProcessRunner.RunAsync(plain[0], plain[1..], TimeSpan.FromSeconds(60), cancellationToken);
                if (!result.Succeeded) throw new InvalidOperationException(result.StandardError);
            }));
            yield return new($"{name}, bubblewrap (host shell with ulimits + bwrap + setpriv, cgroup)", _ => SandboxedAsync(bubblewrap, run, cancellationToken));
            yield return new($"{name}, container (podman run, image {options.Value.Image})", _ => SandboxedAsync(container, run, cancellationToken));
        }

        await using var postgres = await PostgresServerProcess.StartAsync();
        var symaug = await ServiceProcess.StartAsync("Gryphgen.Symaug", new Dictionary<string, string>
        {
            ["ConnectionStrings__gryphgen"] = await postgres.CreateDatabaseAsync("sandbox_bench"),
            ["Workspaces__Root"] = Path.Combine(root, "workspaces"),
            [GridProcesses.InternalCredentialVariable] = GridProcesses.InternalCredential,
            ["ASPNETCORE_ENVIRONMENT"] = "Production", ["DOTNET_ENVIRONMENT"] = "Production",
        });
        using var channel = ApiKeyChannel.Open(symaug.GrpcUrl, GridProcesses.InternalCredential);
        var workspaces = new Workspaces.WorkspacesClient(channel);
        try
        {
            var pytest = await CheckpointAsync(workspaces, "pytest (3 tests)", skipTests: false,
                new AcceptanceTest { Command = { python, "-m", "pytest", "-q" }, Format = TestFormat.Pytest }, cancellationToken);
            var exitCode = await CheckpointAsync(workspaces, "`python3 -c pass` as the test", skipTests: false,
                new AcceptanceTest { Command = { python, "-c", "pass" } }, cancellationToken);
            var untested = await CheckpointAsync(workspaces, "no test (`skip_tests`)", skipTests: true,
                new AcceptanceTest { Command = { python, "-c", "pass" } }, cancellationToken);
            // Each command unsandboxed and on each backend, in that order (the summary below pairs them by position).
            List<Variant> variants =
            [
                .. Backends("`python3 -c pass`", Pass), .. Backends("a 2-test pytest file", PytestFile),
                pytest, exitCode, untested,
            ];
            var samples = await InterleavedAsync(variants, iterations);

            Console.WriteLine();
            Console.WriteLine($"{iterations} rounds after one warm-up round, every variant once per round, the order turning each round; milliseconds");
            Console.WriteLine();
            Console.WriteLine("| operation | p50 | p95 | mean |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (variant, times) in variants.Zip(samples))
                Console.WriteLine($"| {variant.Name} | {Percentiles.Of(times, 50):0.0} | {Percentiles.Of(times, 95):0.0} | {times.Average():0.0} |");
            Console.WriteLine();
            // From the same rounds, so the difference per round is a paired one.
            foreach (var (command, first) in new[] { ("`python3 -c pass`", 0), ("the pytest file", 3) })
            {
                foreach (var (backend, offset) in new[] { ("bubblewrap", 1), ("container", 2) })
                {
                    var added = samples[first + offset].Zip(samples[first], (sandboxed, plain) => sandboxed - plain).ToList();
                    Console.WriteLine($"{backend}'s overhead per run of {command}: p50 of the paired differences {Percentiles.Of(added, 50):0.0} ms, " +
                        $"difference of the p50s {Percentiles.Of(samples[first + offset], 50) - Percentiles.Of(samples[first], 50):0.0} ms");
                }
            }
        }
        finally
        {
            await containers.RemoveLeftoversAsync(CancellationToken.None);
            await symaug.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>
    /// A workspace of <see cref="SeedModules"/> modules of 2 KB and a test file, and a variant that changes one module
    /// (not timed) and then times one <c>Checkpoint</c> call, as the mission's test step makes it.
    /// </summary>
    private static async Task<Variant> CheckpointAsync(Workspaces.WorkspacesClient workspaces, string test, bool skipTests,
        AcceptanceTest acceptance, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = "benchmark", Acceptance = acceptance,
            SeedFiles = { Source("test_modules.py", "from src import module0\n\ndef test_value():\n    assert module0.VALUE >= 0\n\n" +
                "def test_name():\n    assert module0.__name__.endswith('module0')\n\ndef test_true():\n    assert True\n") },
        }, cancellationToken: cancellationToken);
        await workspaces.WriteFilesAsync(new WriteFilesRequest
        {
            WorkspaceId = workspace.WorkspaceId,
            Files = { Enumerable.Range(0, SeedModules).Select(i => Source($"src/module{i}.py", $"VALUE = {i}\n" + new string('#', 2000) + "\n")) },
        }, cancellationToken: cancellationToken);
        return new Variant($"`Checkpoint` call, {test}: one module of {SeedModules} changed", async i =>
        {
            await workspaces.WriteFilesAsync(new WriteFilesRequest
            {
                WorkspaceId = workspace.WorkspaceId, Files = { Source($"src/module{i % SeedModules}.py", $"VALUE = {i + 1}\n") },
            }, cancellationToken: cancellationToken);
            var clock = Stopwatch.StartNew();
            var checkpoint = await workspaces.CheckpointAsync(new CheckpointRequest
            {
                WorkspaceId = workspace.WorkspaceId, Message = $"checkpoint {i}", SkipTests = skipTests,
            }, cancellationToken: cancellationToken);
            var millis = clock.Elapsed.TotalMilliseconds;
            if (!skipTests && (checkpoint.Summary.Failed > 0 || checkpoint.Summary.Errored > 0 || checkpoint.Summary.Passed == 0))
                throw new InvalidOperationException($"the checkpoint's tests did not pass: {checkpoint.Summary}");
            return millis;
        });
    }

    private static Task<double> SandboxedAsync(SandboxedRunner runner, SandboxRun run, CancellationToken cancellationToken) => TimedAsync(async () =>
    {
        var result = await runner.RunAsync(run, cancellationToken);
        if (result.ExitCode != 0) throw new InvalidOperationException($"exit code {result.ExitCode}: {result.Stderr.ToStringUtf8()}{result.Stdout.ToStringUtf8()}");
    });

    private static async Task<double> TimedAsync(Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        await operation();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<List<double>[]> InterleavedAsync(IReadOnlyList<Variant> variants, int rounds)
    {
        var samples = variants.Select(_ => new List<double>()).ToArray();
        for (var round = -1; round < rounds; round++) // round -1 warms up: JIT, page cache, connections
        {
            for (var k = 0; k < variants.Count; k++)
            {
                var which = (Math.Max(round, 0) + k) % variants.Count;
                var millis = await variants[which].Measure(round + 1);
                if (round >= 0) samples[which].Add(millis);
            }
        }
        return samples;
    }

    private static FileContent Source(string path, string content) => new() { Path = path, Content = ByteString.CopyFromUtf8(content) };
}
