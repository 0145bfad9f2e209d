namespace Gryphgen.Symorq.Grid;

/// <summary>A slot on one endpoint, held while the request runs there; disposing it frees the slot.</summary>
public sealed class SlotLease(GridEndpoint endpoint, TimeSpan queueWait, Action<SlotLease> release) : IDisposable
{
    private int _released;

    public GridEndpoint Endpoint { get; } = endpoint;

    public TimeSpan QueueWait { get; } = queueWait;

    /// <summary>The slot's claim in the shared ledger; null while this replica counts the endpoint's slots alone.</summary>
    public SharedSlot? Shared { get; set; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) release(this);
    }
}
