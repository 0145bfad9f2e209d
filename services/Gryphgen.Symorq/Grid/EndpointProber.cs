using Gryphgen.Symorq.Grid.Endpoints;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid;

/// <summary>Probes every endpoint of the grid on an interval and feeds what it sees into the registry.</summary>
public sealed class EndpointProber(EndpointRegistry registry, LlmEndpointProbe probe, IOptions<GridOptions> options,
    ILogger<EndpointProber> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval);
        do
        {
            await Task.WhenAll(registry.Snapshot().Select(e => ProbeAsync(e, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProbeAsync(EndpointSnapshot endpoint, CancellationToken stoppingToken)
    {
        var state = await probe.ProbeAsync(endpoint.Options, stoppingToken);
        registry.ApplyProbe(endpoint.Endpoint, state);
        if (endpoint.ProbedHealthy != state.Healthy)
        {
            logger.LogInformation("LLM endpoint {Endpoint} is now {State}: {Detail}",
                endpoint.Name, state.Healthy ? "up" : "down", Gryphgen.Contracts.PrintableText.Line(state.Detail));
        }
    }
}
