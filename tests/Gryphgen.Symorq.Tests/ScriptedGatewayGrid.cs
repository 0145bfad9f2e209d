using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>SYMORQ as its own process with one scripted endpoint behind its gateway, for what agent keys may reach.</summary>
public sealed class ScriptedGatewayGrid : IAsyncLifetime
{
    public const string Alias = "scripted";
    public RedisServerProcess Redis { get; private set; } = null!;
    public ScriptedLlmServer Llm { get; private set; } = null!;
    public ServiceProcess Symorq { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        Llm = await ScriptedLlmServer.StartAsync();
        Symorq = await GridProcesses.StartSymorqAsync(await GridProcesses.Settings(Redis, ("scripted", Llm.Url, "openai", [Alias])));
    }

    /// <summary>A new key of <paramref name="scope"/>, made with the bootstrap admin key; its secret.</summary>
    public async Task<string> CreateKeyAsync(KeyScope scope) => (await GridProcesses.CreateKeyAsync(Symorq, KeyScopeNames.Name(scope), scope)).Secret;

    public async Task DisposeAsync()
    {
        await Symorq.DisposeAsync();
        await Llm.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
