using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>SYMORQ with one scripted endpoint behind its gateway, for what agent keys may reach.</summary>
public sealed class ScriptedGatewayGrid : ScriptedSymorqGrid
{
    public const string Alias = "scripted";

    protected override Task<Dictionary<string, string>> SettingsAsync() => GridProcesses.Settings(Redis, ("scripted", Llm.Url, "openai", [Alias]));

    /// <summary>A new key of <paramref name="scope"/>, made with the bootstrap admin key; its secret.</summary>
    public async Task<string> CreateKeyAsync(KeyScope scope) => (await GridProcesses.CreateKeyAsync(Symorq, KeyScopeNames.Name(scope), scope)).Secret;
}
