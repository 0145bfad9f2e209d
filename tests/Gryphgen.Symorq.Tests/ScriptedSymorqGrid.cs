using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>SYMORQ as its own process with its Redis and one scripted server behind its gateway, configured as a subclass says.</summary>
public abstract class ScriptedSymorqGrid : IAsyncLifetime
{
    public RedisServerProcess Redis { get; private set; } = null!;
    public ScriptedLlmServer Llm { get; private set; } = null!;
    public ServiceProcess Symorq { get; private set; } = null!;

    /// <summary>SYMORQ's environment, once <see cref="Redis"/> and <see cref="Llm"/> run.</summary>
    protected abstract Task<Dictionary<string, string>> SettingsAsync();

    public async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        Llm = await ScriptedLlmServer.StartAsync();
        Symorq = await GridProcesses.StartSymorqAsync(await SettingsAsync());
    }

    public async Task DisposeAsync()
    {
        await Symorq.DisposeAsync();
        await Llm.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
