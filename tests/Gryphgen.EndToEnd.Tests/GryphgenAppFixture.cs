using Grpc.Net.Client;
using Gryphgen.Contracts;
using Gryphgen.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// The whole system, started once for the tests that share it: the real AppHost in local mode with a fresh state
/// folder, real PostgreSQL, Redis and llama-server (tiny model), every service and all four agents. The services
/// export their telemetry to <see cref="Telemetry"/>, a collector the fixture runs, so tests can read what left them.
/// A subclass runs it otherwise (<see cref="SettingsAsync"/>), e.g. in containers mode.
/// </summary>
public class GryphgenAppFixture : IAsyncLifetime
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

    /// <summary>The public API key the AppHost generated, read from the file it writes for the CLI.</summary>
    public string ApiKey { get; private set; } = "";

    /// <summary>The key file in the run's state folder (secrets/api-key).</summary>
    public string ApiKeyFile => StateFolder.ApiKeyFile(_stateDirectory);

    /// <summary>Environment for the <c>gryphgen</c> command as on a developer's machine: it finds the key in the file.</summary>
    public IReadOnlyDictionary<string, string?> CliEnvironment => new Dictionary<string, string?>
    {
        ["GRYPHGEN_URL"] = GrpcUrl.ToString(), ["GRYPHGEN_API_KEY_FILE"] = ApiKeyFile,
    };

    /// <summary>The run's secrets folder (STATE/secrets): the API key, the Redis password and config.</summary>
    public string SecretsFolder => Path.GetDirectoryName(ApiKeyFile)!;

    /// <summary>Every span, structured log and metric the services exported over OTLP.</summary>
    public OtlpCollector Telemetry { get; private set; } = null!;

    public Status.StatusClient Status { get; private set; } = null!;

    /// <summary>The run's state folder (a fresh temporary one).</summary>
    protected string StateDirectory => _stateDirectory;

    /// <summary>The AppHost's settings: local mode, the tiny model on the AppHost's own llama-server.</summary>
    protected virtual Task<IEnumerable<string>> SettingsAsync() => Task.FromResult<IEnumerable<string>>(
    [
        "--Gryphgen:Infrastructure=local",
        $"--Gryphgen:Local:LlamaServer={TestAssets.LlamaServer}",
        .. ModelSettings,
    ]);

    /// <summary>The tiny model, its slots and their context, for the AppHost's llama-server in either mode.</summary>
    protected static IEnumerable<string> ModelSettings =>
    [
        $"--Gryphgen:Llm:Model={TestAssets.TinyModel}",
        $"--Gryphgen:Llm:Parallel={LlamaSlots}",
        $"--Gryphgen:Llm:ContextSize={LlamaSlots * ContextPerSlot}",
    ];

    public async Task InitializeAsync()
    {
        _stateDirectory = Directory.CreateTempSubdirectory("gryphgen-e2e-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gryphgen_AppHost>(
            [$"--Gryphgen:StateDir={_stateDirectory}", .. await SettingsAsync()]);
        Telemetry = await OtlpCollector.StartAsync();
        ExportTelemetryTo(builder, Telemetry.Url);
        App = await builder.BuildAsync();
        using var start = new CancellationTokenSource(StartTimeout);
        try
        {
            await App.StartAsync(start.Token);
            foreach (var resource in Resources) await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, start.Token);
        }
        catch (Exception ex) when (ex is DistributedApplicationException || start.IsCancellationRequested)
        {
            var logs = await Task.WhenAll(Resources.Select(LogTailAsync));
            throw new InvalidOperationException($"the system did not become healthy within {StartTimeout} ({ex.Message}): {ResourceStates()}\n" +
                string.Join("\n", logs));
        }

        GrpcUrl = App.GetEndpoint("symorq", "grpc");
        ApiKey = (await File.ReadAllTextAsync(ApiKeyFile)).Trim();
        _channel = ApiKeyChannel.Open(GrpcUrl, ApiKey);
        Status = new Status.StatusClient(_channel);
        await WaitForAgentsAsync(Roles);
    }

    /// <summary>
    /// Every resource that exports OpenTelemetry sends it to <paramref name="collector"/> over OTLP/HTTP: the
    /// dashboard, where Aspire points them otherwise, does not run under the testing builder. Added after Aspire's own
    /// environment callback, so it overrides the endpoint and protocol Aspire set.
    /// </summary>
    private static void ExportTelemetryTo(IDistributedApplicationTestingBuilder builder, Uri collector)
    {
        foreach (var resource in builder.Resources.OfType<IResourceWithEnvironment>())
            resource.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                if (!context.EnvironmentVariables.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT")) return;
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.ToString();
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            }));
    }

    /// <summary>The last lines a resource printed, for the message when the system does not come up.</summary>
    private async Task<string> LogTailAsync(string name)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);
        var lines = await ConsoleLogAsync(resource);
        return $"--- {name} ---\n{string.Join("\n", lines.TakeLast(40))}";
    }

    /// <summary>What <paramref name="resource"/> has printed so far (stdout and stderr), line by line.</summary>
    public async Task<List<string>> ConsoleLogAsync(IResource resource)
    {
        var lines = new List<string>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            // By resource, not by name: a project's logs are kept under its instance's name (symorg-abcd1234).
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resource).WithCancellation(patience.Token))
                lines.AddRange(batch.Select(line => line.Content));
        }
        catch (OperationCanceledException)
        {
            lines.Add("(log read cut off after 10 s)");
        }
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
            status => AgentsConnected.All(status, roles),
            TimeSpan.FromMinutes(1), "every agent role registering");

    public virtual async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (App is not null) await App.DisposeAsync();
        if (Telemetry is not null) await Telemetry.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RunningSystem : ICollectionFixture<GryphgenAppFixture>
{
    public const string Name = "running system";
}
