namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>
/// One first-come queue for the whole grid, blind to priority and speed, and work-conserving: a request takes any
/// free slot (on the endpoint with the most free), and a slot that frees goes to the first waiting request that did
/// not fail there. It tells what a central queue alone buys from what the scheduler's ordering and placement add.
/// </summary>
public sealed class CentralFifoPolicy(IEnumerable<SimulatedEndpoint> endpoints) : IGridPolicy
{
    private sealed class Pool(SimulatedEndpoint spec)
    {
        public SimulatedEndpoint Spec => spec;
        public int Running { get; set; }
        public int Free => spec.Slots - Running;
    }

    private readonly List<Pool> _pools = [.. endpoints.Select(e => new Pool(e))];
    private readonly LinkedList<(IReadOnlySet<string> Excluded, TaskCompletionSource<IGridSlot> Waiter)> _queue = new();

    public string Name => "central FIFO (work-conserving, priority-blind)";

    public Task<IGridSlot> AcquireAsync(SimulatedRequest request, IReadOnlySet<string> excluded)
    {
        // A free slot with requests still waiting is one every one of them failed on: taking it skips nobody.
        var free = _pools.Where(p => p.Free > 0 && !excluded.Contains(p.Spec.Name)).MaxBy(p => p.Free);
        if (free is not null)
        {
            free.Running++;
            return Task.FromResult<IGridSlot>(new Slot(this, free));
        }
        var waiter = new TaskCompletionSource<IGridSlot>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.AddLast((excluded, waiter));
        return waiter.Task;
    }

    private void Release(Pool pool)
    {
        for (var node = _queue.First; node is not null; node = node.Next)
        {
            if (node.Value.Excluded.Contains(pool.Spec.Name)) continue;
            _queue.Remove(node);
            node.Value.Waiter.SetResult(new Slot(this, pool));
            return;
        }
        pool.Running--;
    }

    private sealed class Slot(CentralFifoPolicy policy, Pool pool) : IGridSlot
    {
        public SimulatedEndpoint Endpoint => pool.Spec;

        public void Succeeded(double timeToFirstTokenSeconds, double heldSeconds, int tokens) { }

        public void Failed() { }

        public void Dispose() => policy.Release(pool);
    }
}
