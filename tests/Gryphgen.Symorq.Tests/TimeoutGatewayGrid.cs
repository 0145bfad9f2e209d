using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// SYMORQ with a gateway stream idle timeout of one second, and four endpoints on one scripted server: one on the
/// gateway's timeouts, one with a stream idle timeout of its own (a minute), one with a first-byte timeout of its own
/// (a second, where the gateway's is five minutes), and one with a stream idle timeout of four seconds, long enough
/// that a slow stream's pauses stay far inside it on a loaded machine. Each serves one alias, a single slot.
/// </summary>
public sealed class TimeoutGatewayGrid : ScriptedSymorqGrid
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan SteadyIdleTimeout = TimeSpan.FromSeconds(4);
    public const string Stalling = "stalling", Patient = "patient", Hasty = "hasty", Steady = "steady";

    protected override async Task<Dictionary<string, string>> SettingsAsync()
    {
        var settings = await GridProcesses.Settings(Redis,
            (Stalling, Llm.Url, "openai", [Stalling]), (Patient, Llm.Url, "openai", [Patient]), (Hasty, Llm.Url, "openai", [Hasty]),
            (Steady, Llm.Url, "openai", [Steady]));
        settings["Gryphgen__Gateway__StreamIdleTimeout"] = IdleTimeout.ToString();
        settings["Gryphgen__Llm__Endpoints__1__StreamIdleTimeout"] = "00:01:00";
        settings["Gryphgen__Llm__Endpoints__2__FirstByteTimeout"] = "00:00:01";
        settings["Gryphgen__Llm__Endpoints__3__StreamIdleTimeout"] = SteadyIdleTimeout.ToString();
        return settings;
    }

    /// <summary>The endpoint as the Grid API lists it: its slots in use, failures and last problem.</summary>
    public async Task<GridEndpointInfo> EndpointAsync(string name)
    {
        using var channel = GridProcesses.OpenChannel(Symorq);
        var reply = await new Contracts.Grid.GridClient(channel).ListEndpointsAsync(new ListEndpointsRequest());
        return reply.Endpoints.Single(e => e.Name == name);
    }
}
