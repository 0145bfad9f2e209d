namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>
/// A router as LiteLLM's are built: each request goes to an endpoint the moment it arrives (or fails over), chosen
/// by a rule that knows nothing of priority or speed, and waits there in the endpoint's own first-come queue for a
/// slot, as llama-server defers requests beyond its slots.
/// </summary>
public sealed class RoutingPolicy : IGridPolicy
{
    private readonly List<RoutedEndpoint> _endpoints;
    private readonly Func<IReadOnlyList<RoutedEndpoint>, RoutedEndpoint> _choose;

    private RoutingPolicy(string name, IEnumerable<SimulatedEndpoint> endpoints, Func<IReadOnlyList<RoutedEndpoint>, RoutedEndpoint> choose)
    {
        Name = name;
        _endpoints = [.. endpoints.Select(e => new RoutedEndpoint(e))];
        _choose = choose;
    }

    public string Name { get; }

    public static RoutingPolicy RoundRobin(IEnumerable<SimulatedEndpoint> endpoints)
    {
        var turn = 0;
        return new("round-robin", endpoints, candidates => candidates[turn++ % candidates.Count]);
    }

    /// <summary>Fewest requests (running and waiting) per slot: kinder to a slow endpoint than LiteLLM's plain count.</summary>
    public static RoutingPolicy LeastBusy(IEnumerable<SimulatedEndpoint> endpoints) =>
        new("least-busy", endpoints, candidates => candidates.MinBy(e => (double)e.Load / e.Spec.Slots)!);

    /// <summary>
    /// Fewest requests (running and waiting, the newcomer included) per token per second the endpoint does with
    /// every slot busy: a router told each endpoint's throughput, still blind to priority and to what a request costs.
    /// </summary>
    public static RoutingPolicy ThroughputWeighted(IEnumerable<SimulatedEndpoint> endpoints) =>
        new("throughput-weighted", endpoints, candidates => candidates.MinBy(e => (e.Load + 1) / e.Spec.Capacity)!);

    public static RoutingPolicy Random(IEnumerable<SimulatedEndpoint> endpoints, int seed)
    {
        var random = new Random(seed);
        return new("random", endpoints, candidates => candidates[random.Next(candidates.Count)]);
    }

    public Task<IGridSlot> AcquireAsync(SimulatedRequest request, IReadOnlySet<string> excluded) =>
        _choose([.. _endpoints.Where(e => !excluded.Contains(e.Spec.Name))]).AcquireAsync();

    /// <summary>One endpoint's slots and its first-come queue.</summary>
    public sealed class RoutedEndpoint(SimulatedEndpoint spec)
    {
        private readonly Queue<TaskCompletionSource<IGridSlot>> _waiting = new();
        private int _running;

        public SimulatedEndpoint Spec => spec;

        public int Load => _running + _waiting.Count;

        public Task<IGridSlot> AcquireAsync()
        {
            if (_running < spec.Slots)
            {
                _running++;
                return Task.FromResult<IGridSlot>(new Slot(this));
            }
            var waiter = new TaskCompletionSource<IGridSlot>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            return waiter.Task;
        }

        private void Release()
        {
            if (_waiting.TryDequeue(out var next)) next.SetResult(new Slot(this));
            else _running--;
        }

        private sealed class Slot(RoutedEndpoint endpoint) : IGridSlot
        {
            public SimulatedEndpoint Endpoint => endpoint.Spec;

            public void Succeeded(double timeToFirstTokenSeconds, double heldSeconds, int tokens) { }

            public void Failed() { }

            public void Dispose() => endpoint.Release();
        }
    }
}
