using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Grid.Endpoints;
using Microsoft.Extensions.Options;

namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>
/// GRYPHGEN's own <see cref="GridScheduler"/> and <see cref="EndpointRegistry"/>, unchanged, on the virtual clock.
/// It learns each endpoint's speed from the outcomes it is told of, as the gateway's forwarder tells it.
/// </summary>
public sealed class GridSchedulerPolicy : IGridPolicy
{
    private const string Model = "sim";
    private readonly EndpointRegistry _registry;
    private readonly GridScheduler _scheduler;
    private readonly VirtualTime _time;
    private readonly Dictionary<string, SimulatedEndpoint> _endpoints;

    /// <param name="maxQueuedRequests">The scheduler's queue limit (<see cref="GridOptions.MaxQueuedRequests"/>); the rest as shipped.</param>
    public GridSchedulerPolicy(IReadOnlyList<SimulatedEndpoint> endpoints, int maxQueuedRequests, VirtualTime time)
    {
        var options = Options.Create(new GridOptions
        {
            MaxQueuedRequests = maxQueuedRequests,
            Endpoints = [.. endpoints.Select(e => new LlmEndpointOptions { Name = e.Name, Url = $"http://{e.Name}.invalid/", Models = [Model], Slots = e.Slots })],
        });
        _registry = new EndpointRegistry(options, time.Clock);
        _scheduler = new GridScheduler(_registry, options);
        _time = time;
        _endpoints = endpoints.ToDictionary(e => e.Name);
    }

    public string Name => "GRYPHGEN GridScheduler";

    public async Task<IGridSlot> AcquireAsync(SimulatedRequest request, IReadOnlySet<string> excluded)
    {
        var lease = await _scheduler.AcquireAsync(new GridRequest(Model, request.Priority, request.MaxTokens, request.PromptTokens,
            _time.Moment(request.Arrival), excluded), CancellationToken.None);
        return new Slot(_registry, lease, _endpoints[lease.Endpoint.Name]);
    }

    private sealed class Slot(EndpointRegistry registry, SlotLease lease, SimulatedEndpoint endpoint) : IGridSlot
    {
        public SimulatedEndpoint Endpoint => endpoint;

        public void Succeeded(double timeToFirstTokenSeconds, double heldSeconds, int tokens) => lease.Endpoint.RecordSuccess(
            TimeSpan.FromSeconds(timeToFirstTokenSeconds), TimeSpan.FromSeconds(heldSeconds), tokens,
            tokens / (heldSeconds - timeToFirstTokenSeconds)); // the speed this request got, as llama-server's timings report it

        public void Failed() => lease.Endpoint.RecordFailure("answered 500", registry.Now);

        public void Dispose() => lease.Dispose();
    }
}
