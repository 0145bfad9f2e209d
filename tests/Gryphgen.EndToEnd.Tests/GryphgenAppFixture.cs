using System.Collections.Concurrent;
using Grpc.Net.Client;
using Gryphgen.Contracts;
using Gryphgen.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// The whole system, started once for the tests that share it: the real AppHost in local mode with a fresh state
/// folder, real PostgreSQL, Redis and llama-server (tiny model), every service and all four agents.
/// </summary>
public sealed class GryphgenAppFixture : IAsyncLifetime
{
    public const int LlamaSlots = 4;
    public const int ContextPerSlot = 2048; // the tiny model's training context: llama.cpp gives a slot no more
    public static readonly string[] Roles = ["generator", "analyzer", "monitor", "optimizer"];
    private static readonly string[] Resources = ["postgres", "redis", "llama", "symorg", "symaug", "symorq"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private string _stateDirectory = "";
    private GrpcChannel? _channel;

    public DistributedApplication App { get; private set; } = null!;

    public Uri GrpcUrl { get; private set; } = null!;

    public Status.StatusClient Status { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _stateDirectory = Directory.CreateTempSubdirectory("gryphgen-e2e-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gryphgen_AppHost>(
        [
            "--Gryphgen:Infrastructure=local",
            $"--Gryphgen:StateDir={_stateDirectory}",
            $"--Gryphgen:Llm:Model={TestAssets.TinyModel}",
            $"--Gryphgen:Local:LlamaServer={TestAssets.LlamaServer}",
            $"--Gryphgen:Llm:Parallel={LlamaSlots}",
            $"--Gryphgen:Llm:ContextSize={LlamaSlots * ContextPerSlot}",
        ]);
        App = await builder.BuildAsync();
        using var start = new CancellationTokenSource(StartTimeout);
        var logs = Resources.ToDictionary(name => name, name => CollectLogs(name, start.Token));
        try
        {
            await App.StartAsync(start.Token);
            foreach (var resource in Resources) await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, start.Token);
        }
        catch (Exception ex) when (ex is DistributedApplicationException || start.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the system did not become healthy within {StartTimeout} ({ex.Message}): {ResourceStates()}\n" +
                string.Join("\n", logs.Select(l => $"--- {l.Key} ---\n{string.Join("\n", l.Value.TakeLast(40))}")));
        }

        GrpcUrl = App.GetEndpoint("symorq", "grpc");
        _channel = GrpcChannel.ForAddress(GrpcUrl);
        Status = new Status.StatusClient(_channel);
        await WaitForAgentsAsync(Roles);
    }

    /// <summary>What a resource prints, kept for the message when the system does not come up.</summary>
    private ConcurrentQueue<string> CollectLogs(string resource, CancellationToken cancellationToken)
    {
        var lines = new ConcurrentQueue<string>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(cancellationToken))
                    foreach (var line in batch) lines.Enqueue(line.Content);
            }
            catch (OperationCanceledException)
            {
                // Started: the logs are not needed.
            }
        }, CancellationToken.None);
        return lines;
    }

    /// <summary>Each resource's state and health as the AppHost last reported them, to say what did not come up.</summary>
    private string ResourceStates() => string.Join("; ", Resources.Concat(Roles).Select(name =>
        App.ResourceNotifications.TryGetCurrentState(name, out var e)
            ? $"{name} {e.Snapshot.State?.Text ?? "?"} ({e.Snapshot.HealthStatus?.ToString() ?? "no health yet"})"
            : $"{name} not seen"));

    /// <summary>Waits until a worker of each role has registered with SYMORQ's broker.</summary>
    public Task<SystemStatus> WaitForAgentsAsync(IEnumerable<string> roles) =>
        Eventually.Get(async () => await Status.GetStatusAsync(new GetStatusRequest()),
            status => roles.All(role => status.Components.Any(c => c.Name.StartsWith($"agent/{role}/") && c.Healthy)),
            TimeSpan.FromMinutes(1), "every agent role registering");

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (App is not null) await App.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RunningSystem : ICollectionFixture<GryphgenAppFixture>
{
    public const string Name = "running system";
}
