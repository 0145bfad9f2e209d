namespace Gryphgen.Symorq.Grid;

/// <summary>A slot on one endpoint, held while the request runs there; disposing it frees the slot.</summary>
public sealed class SlotLease(GridScheduler scheduler, GridEndpoint endpoint, TimeSpan queueWait) : IDisposable
{
    private int _released;

    public GridEndpoint Endpoint { get; } = endpoint;

    public TimeSpan QueueWait { get; } = queueWait;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) scheduler.Release(this);
    }
}
