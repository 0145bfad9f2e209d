using Gryphgen.Contracts;
using Gryphgen.Symorq.Llm;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Status;

/// <summary>
/// The LLM grid: every configured endpoint, and the grid as a whole, which is usable while at least one endpoint
/// answers. With no endpoint configured the grid says so and how to add one.
/// </summary>
public sealed class LlmGridProbe(IOptionsMonitor<LlmGridOptions> options, LlmEndpointProbe probe) : IComponentProbe
{
    public const string NoEndpointDetail =
        "no LLM endpoint is configured: set Gryphgen:Llm:Model to a GGUF file for the local llama-server, " +
        "or add an OpenAI-compatible server under Gryphgen:Llm:Endpoints (see README, 'Pointing GRYPHGEN at models')";

    public string Name => "llm-grid";

    public string Kind => "llm-grid";

    public async Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken)
    {
        var endpoints = options.CurrentValue.Endpoints;
        if (endpoints.Count == 0)
            return [ComponentStatuses.Create(Name, Kind, false, NoEndpointDetail, required: false)];

        var states = await Task.WhenAll(endpoints.Select(e => probe.ProbeAsync(e, cancellationToken)));
        var rows = endpoints.Zip(states, (endpoint, state) => ComponentStatuses.Create(
            $"llm/{endpoint.Name}", "llm-endpoint", state.Healthy, state.Detail, required: false, facts: state.Facts)).ToList();
        var up = states.Count(s => s.Healthy);
        rows.Insert(0, ComponentStatuses.Create(Name, Kind, up > 0,
            $"{up} of {endpoints.Count} endpoint(s) answering", facts: [new("endpoints", endpoints.Count.ToString())]));
        return rows;
    }
}
