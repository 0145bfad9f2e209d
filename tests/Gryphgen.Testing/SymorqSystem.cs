using Gryphgen.Contracts;
using Xunit;

namespace Gryphgen.Testing;

/// <summary>
/// SYMORQ alone, as its own process with Redis and a database of its own, for tests of its public API that need no
/// other service: its grid has one endpoint nobody answers on, so that tasks can be submitted (none will run).
/// </summary>
public sealed class SymorqSystem : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;

    public ServiceProcess Symorq { get; private set; } = null!;

    /// <summary>SYMORQ's connection string, to look at its tables.</summary>
    public string Database { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        var settings = await GridProcesses.Settings(_redis,
            ("unreachable", new Uri($"http://127.0.0.1:{FreePort.Next()}/v1"), "openai", MissionSystem.Aliases));
        Database = settings["ConnectionStrings__gryphgen"];
        Symorq = await GridProcesses.StartSymorqAsync(settings);
    }

    /// <summary>Environment for the <c>gryphgen</c> command: where SYMORQ is, and <paramref name="key"/> (default: the bootstrap admin key).</summary>
    public IReadOnlyDictionary<string, string?> CliEnvironment(string? key = null) => new Dictionary<string, string?>
    {
        ["GRYPHGEN_URL"] = Symorq.GrpcUrl.ToString(), ["GRYPHGEN_API_KEY"] = key ?? GridProcesses.ApiKey,
    };

    /// <summary>A new key of <paramref name="scope"/>, made with the bootstrap admin key: its (unique) name and its secret.</summary>
    public Task<(string Name, string Secret)> CreateKeyAsync(string prefix, KeyScope scope) => GridProcesses.CreateKeyAsync(Symorq, prefix, scope);

    public async Task DisposeAsync()
    {
        await Symorq.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
