using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// SYMORQ as its own process with its Redis, a real llama-server and a scripted server the tests can hold behind its
/// gateway; the llama-server's slots and SYMORQ's settings as a subclass says.
/// </summary>
public abstract class LlamaSymorqGrid : IAsyncLifetime
{
    public LlamaServerProcess Llama { get; private set; } = null!;
    public ScriptedLlmServer Held { get; private set; } = null!;
    public RedisServerProcess Redis { get; private set; } = null!;
    public ServiceProcess Symorq { get; private set; } = null!;

    protected abstract Task<LlamaServerProcess> StartLlamaAsync();

    /// <summary>SYMORQ's environment, once <see cref="Redis"/>, <see cref="Llama"/> and <see cref="Held"/> run.</summary>
    protected abstract Task<Dictionary<string, string>> SettingsAsync();

    public async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        Llama = await StartLlamaAsync();
        Held = await ScriptedLlmServer.StartAsync();
        Symorq = await GridProcesses.StartSymorqAsync(await SettingsAsync());
    }

    public async Task DisposeAsync()
    {
        await Symorq.DisposeAsync();
        await Llama.DisposeAsync();
        await Held.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
