using System.Globalization;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Grid.Endpoints;

namespace Gryphgen.Symorq.Status;

/// <summary>
/// The LLM grid: every endpoint probed now, with what the scheduler has learned of it, and the grid as a whole,
/// which is usable while at least one endpoint answers, with how its slots are counted (shared through Redis or not).
/// With no endpoint the grid says so and how to add one.
/// </summary>
public sealed class LlmGridProbe(EndpointRegistry registry, LlmEndpointProbe probe,
    SharedSlotLedger? ledger = null) : IComponentProbe
{
    public const string NoEndpointDetail =
        "no LLM endpoint is configured: set Gryphgen:Llm:Model to a GGUF file for the local llama-server, " +
        "add an OpenAI-compatible server under Gryphgen:Llm:Endpoints, or run 'gryphgen endpoints add' " +
        "(see README, 'Pointing GRYPHGEN at models')";

    public string Name => "llm-grid";

    public string Kind => "llm-grid";

    public async Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken)
    {
        var endpoints = registry.Snapshot();
        if (endpoints.Count == 0)
            return [ComponentStatuses.Create(Name, Kind, false, NoEndpointDetail, required: false)];

        var states = await Task.WhenAll(endpoints.Select(e => probe.ProbeAsync(e.Options, cancellationToken)));
        var rows = endpoints.Zip(states, (endpoint, state) => ComponentStatuses.Create(
            $"llm/{endpoint.Name}", "llm-endpoint", state.Healthy, state.Detail, required: false,
            facts: state.Facts.Concat(Learned(endpoint)))).ToList();
        var up = states.Count(s => s.Healthy);
        rows.Insert(0, ComponentStatuses.Create(Name, Kind, up > 0,
            $"{up} of {endpoints.Count} endpoint(s) answering", facts: [new("endpoints", endpoints.Count.ToString()), new("shared_slots", ledger?.Mode ?? "off")]));
        return rows;
    }

    private static IEnumerable<KeyValuePair<string, string>> Learned(EndpointSnapshot endpoint) =>
    [
        new("aliases", string.Join(",", endpoint.Options.Models)),
        new("in_flight", endpoint.InFlight.ToString()),
        new("tokens_per_second", endpoint.TokensPerSecond.ToString("0.0", CultureInfo.InvariantCulture)),
        new("served", endpoint.Served.ToString()),
    ];
}
