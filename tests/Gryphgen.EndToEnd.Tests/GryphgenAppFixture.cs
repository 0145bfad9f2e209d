using Grpc.Net.Client;
using Gryphgen.Contracts;
using Gryphgen.Testing;

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
        await App.StartAsync(start.Token);
        foreach (var resource in new[] { "postgres", "redis", "llama", "symorg", "symaug", "symorq" })
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, start.Token);

        GrpcUrl = App.GetEndpoint("symorq", "grpc");
        _channel = GrpcChannel.ForAddress(GrpcUrl);
        Status = new Status.StatusClient(_channel);
        await WaitForAgentsAsync(Roles);
    }

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
