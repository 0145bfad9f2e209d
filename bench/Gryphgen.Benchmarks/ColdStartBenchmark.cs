using System.CommandLine;
using System.Diagnostics;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Testing;

namespace Gryphgen.Benchmarks;

/// <summary>
/// Cold start to all-healthy, local mode against containers mode (the images <c>scripts/setup.sh --containers</c>
/// builds), side by side: the real AppHost with a fresh state folder each start (a new PostgreSQL cluster, or a new
/// volume), timed from its process starting to SYMORQ's status saying every required component is healthy and a
/// worker of each role registered. The llama-server serves the tiny model in both. The modes alternate within each
/// round, the order turning each round, so drift on a shared machine hits both alike.
/// </summary>
public static class ColdStartBenchmark
{
    private static readonly string[] Modes = ["local", "containers"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    public static Command Create()
    {
        var rounds = new Option<int>("--rounds") { Description = "rounds; each starts the system once in each mode", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var command = new Command("cold-start", "the AppHost's cold start to all-healthy, local mode against containers mode") { rounds };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(rounds), cancellationToken));
        return command;
    }

    private static async Task RunAsync(int rounds, CancellationToken cancellationToken)
    {
        var appHost = await BuildAppHostAsync(cancellationToken);
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        var seconds = Modes.ToDictionary(m => m, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var mode in round % 2 == 0 ? Modes : Modes.Reverse())
            {
                seconds[mode].Add(await StartOnceAsync(appHost, mode, cancellationToken));
                Console.Error.WriteLine($"round {round + 1} {mode}: {seconds[mode][^1]:0.0} s");
            }
        }
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine();
        Console.WriteLine("| mode | starts | median | min | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (mode, values) in seconds)
        {
            var sorted = values.Order().ToList();
            Console.WriteLine($"| {mode} | {sorted.Count} | {sorted[sorted.Count / 2]:0.0} s | {sorted[0]:0.0} s | {sorted[^1]:0.0} s |");
        }
    }

    /// <summary>The AppHost and every service built in Release once, so that no start pays for a build.</summary>
    private static async Task<string> BuildAppHostAsync(CancellationToken cancellationToken)
    {
        var project = Path.Combine(TestAssets.RepositoryRoot, "Gryphgen.AppHost");
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-v", "q", "-nologo"]))!;
        await build.WaitForExitAsync(cancellationToken);
        if (build.ExitCode != 0) throw new InvalidOperationException("the AppHost did not build");
        return Path.Combine(project, "bin", "Release", "net10.0", "Gryphgen.AppHost");
    }

    private static async Task<double> StartOnceAsync(string appHost, string mode, CancellationToken cancellationToken)
    {
        var state = Directory.CreateTempSubdirectory("gryphgen-cold-").FullName;
        // The launch profile's environment (scripts/run.sh starts it through dotnet run, which applies it).
        var start = new ProcessStartInfo(appHost,
        [
            $"--Gryphgen:Infrastructure={mode}", $"--Gryphgen:StateDir={state}", $"--Gryphgen:Llm:Model={TestAssets.TinyModel}",
            $"--Gryphgen:Local:LlamaServer={TestAssets.LlamaServer}", "--Gryphgen:Llm:ContextSize=8192",
            "--Gryphgen:Images:Postgres=localhost/gryphgen-postgres:15", "--Gryphgen:Images:Redis=localhost/gryphgen-redis:7",
            "--Gryphgen:Images:Llama=localhost/gryphgen-llama:server",
        ])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(appHost),
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development", ["DOTNET_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = "http://localhost:18888", ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:18889", ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://localhost:18890",
            },
        };
        var clock = Stopwatch.StartNew();
        await using var process = LoggedProcess.Start(start);
        try
        {
            await WaitForHealthyAsync(process, state, cancellationToken);
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            // SIGTERM: the AppHost stops its resources (containers removed, processes ended) before it exits.
            ProcessSignals.Terminate(process.Id);
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
            Directory.Delete(state, recursive: true);
            if (mode == "containers") await RemoveVolumeAsync(state);
        }
    }

    private static async Task WaitForHealthyAsync(LoggedProcess process, string state, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var keyFile = StateFolder.ApiKeyFile(state);
        while (DateTime.UtcNow < deadline)
        {
            await process.ThrowIfExitedAsync("the AppHost");
            if (File.Exists(keyFile) && await HealthyAsync(File.ReadAllText(keyFile).Trim(), cancellationToken)) return;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
        throw new TimeoutException($"the system was not healthy within {StartTimeout}:\n{process.Log}");
    }

    private static async Task<bool> HealthyAsync(string apiKey, CancellationToken cancellationToken)
    {
        try
        {
            using var channel = ApiKeyChannel.Open(new Uri("http://localhost:5081"), apiKey);
            var status = await new Contracts.Status.StatusClient(channel).GetStatusAsync(new GetStatusRequest(), cancellationToken: cancellationToken);
            return status.Healthy && AgentsConnected.All(status, AgentRoles.AllNames);
        }
        catch (RpcException)
        {
            return false;
        }
    }

    private static async Task RemoveVolumeAsync(string state)
    {
        using var remove = Process.Start(new ProcessStartInfo("podman", ["volume", "rm", "--force", StateFolder.PostgresVolume(state)]))!;
        await remove.WaitForExitAsync();
    }
}
