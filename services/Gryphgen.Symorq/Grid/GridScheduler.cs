using Gryphgen.Contracts.Llm;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// Places every request on the endpoint where it is expected to finish first, never running more requests on an
/// endpoint than it has slots. Waiting requests are served in order of priority, and a waiting request gains a
/// level each time its wait doubles (the first after <see cref="GridOptions.AgingPerPriorityLevel"/>), so that low
/// priority still progresses.
/// </summary>
/// <remarks>
/// A request may wait for a busy fast endpoint rather than take a free slow one, when that finishes it sooner:
/// the expected completion counts the requests already queued ahead for each endpoint in the same pass, so the
/// queue spills over to slower endpoints exactly when waiting would cost more than their slowness.
/// </remarks>
public sealed class GridScheduler
{
    private readonly EndpointRegistry _registry;
    private readonly GridOptions _options;
    private readonly SharedSlotLedger? _ledger;
    private readonly Lock _gate = new(); // the queue; a decision takes each endpoint's own lock after this one, never before
    private readonly List<Waiter> _waiting = [];
    private long _sequence;

    /// <param name="ledger">Shares the endpoints' slots with other replicas; without it this scheduler counts alone.</param>
    public GridScheduler(EndpointRegistry registry, IOptions<GridOptions> options, SharedSlotLedger? ledger = null)
    {
        _registry = registry;
        _options = options.Value;
        _ledger = ledger;
        registry.CapacityChanged += () => { lock (_gate) Dispatch(); };
        if (ledger is not null) ledger.SlotsMayHaveFreed += RetryFullElsewhere;

        GryphgenTelemetry.Meter.CreateObservableGauge("gryphgen.grid.queue.depth", () =>
            QueueDepthByPriority().Select(p => new System.Diagnostics.Metrics.Measurement<int>(p.Value,
                new KeyValuePair<string, object?>("gryphgen.priority", GridPriority.Name(p.Key)))), "{request}", "Requests waiting for a slot");
        GryphgenTelemetry.Meter.CreateObservableGauge("gryphgen.grid.endpoint.utilization", () =>
            registry.Snapshot().Select(e => new System.Diagnostics.Metrics.Measurement<double>((double)e.InFlight / e.Slots,
                new KeyValuePair<string, object?>("gryphgen.endpoint", e.Name))), "1", "Share of an endpoint's slots in use");
    }

    private sealed record Waiter(GridRequest Request, long Sequence, DateTimeOffset Enqueued, TaskCompletionSource<SlotLease> Lease);

    public int QueueDepth
    {
        get { lock (_gate) return _waiting.Count; }
    }

    public IReadOnlyDictionary<int, int> QueueDepthByPriority()
    {
        lock (_gate) return _waiting.GroupBy(w => w.Request.Priority).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>
    /// Waits for a slot for <paramref name="request"/>; fails at once where no endpoint could ever take it. A slot
    /// granted here is then claimed in the shared ledger; when other replicas hold all of that endpoint's slots, the
    /// request waits again in its old place (same sequence and arrival, so the same priority and aging).
    /// </summary>
    public async Task<SlotLease> AcquireAsync(GridRequest request, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            CheckServable(request, _registry.Snapshot());
            if (_waiting.Count >= _options.MaxQueuedRequests)
                throw new GridQueueFullException(_options.MaxQueuedRequests, EstimatedDrainTime());
            waiter = Enqueue(new Waiter(request, ++_sequence, _registry.Now, NewLease()));
        }

        while (true)
        {
            var lease = await WaitAsync(waiter, cancellationToken);
            if (await ClaimSharedAsync(lease))
            {
                GridMetrics.QueueWait.Record(lease.QueueWait.TotalSeconds,
                    new KeyValuePair<string, object?>("gryphgen.priority", GridPriority.Name(request.Priority)));
                return lease;
            }
            // Full elsewhere until a "slot freed" message or the next poll clears the flag and dispatches again.
            lease.Endpoint.ReleaseFullElsewhere();
            lock (_gate)
            {
                cancellationToken.ThrowIfCancellationRequested();
                waiter = Enqueue(waiter with { Lease = NewLease() });
            }
        }
    }

    /// <summary>Claims the lease's slot in the shared ledger, if there is one; false when other replicas hold them all.</summary>
    private async ValueTask<bool> ClaimSharedAsync(SlotLease lease)
    {
        if (_ledger is null) return true;
        var (granted, shared) = await _ledger.TryClaimAsync(lease.Endpoint.Name, lease.Endpoint.Snapshot().Slots);
        lease.Shared = shared;
        return granted;
    }

    private static TaskCompletionSource<SlotLease> NewLease() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Queues <paramref name="waiter"/> and dispatches. Caller holds the gate.</summary>
    private Waiter Enqueue(Waiter waiter)
    {
        _waiting.Add(waiter);
        Dispatch();
        return waiter;
    }

    private async Task<SlotLease> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        await using var cancel = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (_waiting.Remove(waiter)) waiter.Lease.TrySetCanceled(cancellationToken);
            }
        });
        return await waiter.Lease.Task;
    }

    private void Release(SlotLease lease)
    {
        if (lease.Shared is { } shared) _ledger?.Release(shared);
        lease.Endpoint.ReleaseSlot();
        lock (_gate) Dispatch();
    }

    /// <summary>A slot may have freed on another replica: try the endpoints that were full there again.</summary>
    private void RetryFullElsewhere(string? endpointName)
    {
        var retry = false;
        foreach (var endpoint in _registry.Endpoints().Where(e => endpointName is null || e.Name == endpointName))
            retry |= endpoint.ClearFullElsewhere();
        if (retry)
        {
            lock (_gate) Dispatch();
        }
    }

    private void CheckServable(GridRequest request, IReadOnlyList<EndpointSnapshot> endpoints)
    {
        var serving = endpoints.Where(e => e.Serves(request.Model)).ToList();
        if (serving.Count == 0)
        {
            throw new ModelNotServedException(request.Model, endpoints
                .SelectMany(e => e.Options.Models.Concat(e.ModelIds)).Distinct().Order());
        }
        var tokens = request.PromptTokens + request.MaxTokens;
        if (!serving.Any(e => e.Fits(tokens)))
        {
            throw new ContextTooLongException($"The request needs about {tokens} tokens of context (prompt and max_tokens); " +
                $"the endpoints serving '{request.Model}' have at most {serving.Max(e => e.ContextPerSlot)} per request");
        }
        if (!serving.Any(e => IsEligible(e, request, _registry.Now))) throw Unavailable(request, serving);
    }

    private static bool IsEligible(EndpointSnapshot endpoint, GridRequest request, DateTimeOffset now) =>
        endpoint.Serves(request.Model) && endpoint.IsAvailable(now) && !request.Excluded.Contains(endpoint.Name)
        && endpoint.Fits(request.PromptTokens + request.MaxTokens);

    private static GridUnavailableException Unavailable(GridRequest request, IEnumerable<EndpointSnapshot> serving) => new(
        $"No endpoint serving '{request.Model}' can take requests now: " +
        string.Join("; ", serving.Select(e => $"{e.Name}: {(request.Excluded.Contains(e.Name) ? "failed this request" : e.LastProblem is "" ? "cooling down after failures" : e.LastProblem)}")));

    /// <summary>Hands free slots to waiting requests, most urgent first. Caller holds the gate.</summary>
    private void Dispatch()
    {
        if (_waiting.Count == 0) return;
        var now = _registry.Now;
        var endpoints = _registry.Snapshot().ToList();
        var queuedAhead = new Dictionary<GridEndpoint, int>();
        foreach (var waiter in _waiting.OrderByDescending(w => EffectivePriority(w, now)).ThenBy(w => w.Sequence).ToList())
        {
            var eligible = endpoints.Where(e => IsEligible(e, waiter.Request, now)).ToList();
            if (eligible.Count == 0)
            {
                _waiting.Remove(waiter);
                waiter.Lease.TrySetException(Unavailable(waiter.Request, endpoints.Where(e => e.Serves(waiter.Request.Model))));
                continue;
            }
            var best = eligible.MinBy(e => ExpectedCompletionSeconds(e, waiter.Request, queuedAhead.GetValueOrDefault(e.Endpoint)))!;
            var taken = best.Endpoint.TryTakeSlot();
            // This pass goes on with what the endpoint is now: one more slot taken, or full elsewhere since the snapshot.
            endpoints[endpoints.IndexOf(best)] = best.Endpoint.Snapshot();
            if (taken)
            {
                _waiting.Remove(waiter);
                waiter.Lease.TrySetResult(new SlotLease(best.Endpoint, now - waiter.Enqueued, Release));
            }
            else
            {
                queuedAhead[best.Endpoint] = queuedAhead.GetValueOrDefault(best.Endpoint) + 1;
            }
        }
    }

    /// <summary>
    /// The priority plus one level per doubling of the wait: ordering by it is ordering by wait × 2^priority. Aging
    /// by a level per fixed interval would turn a long saturated queue into first-come-first-served, with the urgent
    /// requests only a few intervals ahead; doubling keeps the levels' waits in proportion however long the queue is,
    /// and a low request still overtakes every newcomer after 2^(levels apart) − 1 intervals.
    /// </summary>
    internal double EffectivePriority(int priority, TimeSpan waited) =>
        priority + Math.Log2(1 + Math.Max(0, waited / _options.AgingPerPriorityLevel));

    private double EffectivePriority(Waiter waiter, DateTimeOffset now) => EffectivePriority(waiter.Request.Priority, now - waiter.Request.ArrivedAt);

    /// <summary>
    /// Seconds until <paramref name="request"/> would finish on <paramref name="endpoint"/>: the wait for a slot
    /// (requests running and queued ahead, each holding a slot for the endpoint's typical time) plus its own time to
    /// first token and generation, all divided by the endpoint's weight.
    /// </summary>
    internal static double ExpectedCompletionSeconds(EndpointSnapshot endpoint, GridRequest request, int queuedAhead)
    {
        var ahead = endpoint.SlotsTaken + queuedAhead - endpoint.Slots + 1;
        var wait = ahead <= 0 ? 0 : ahead * endpoint.ServiceSeconds / endpoint.Slots;
        var service = endpoint.TimeToFirstTokenSeconds + request.MaxTokens / endpoint.TokensPerSecond;
        return (wait + service) / endpoint.Options.Weight;
    }

    private TimeSpan EstimatedDrainTime()
    {
        var endpoints = _registry.Snapshot();
        var slots = Math.Max(1, endpoints.Sum(e => e.Slots));
        var service = endpoints.Count == 0 ? 1 : endpoints.Average(e => e.ServiceSeconds);
        return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(_waiting.Count * service / slots)));
    }
}
