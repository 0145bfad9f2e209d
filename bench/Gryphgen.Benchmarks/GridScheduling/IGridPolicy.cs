namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>A way of placing requests on the simulated grid: GRYPHGEN's scheduler, or one of the routers it is compared with.</summary>
public interface IGridPolicy
{
    string Name { get; }

    /// <summary>Completes when the request holds a slot on an endpoint not in <paramref name="excluded"/>.</summary>
    Task<IGridSlot> AcquireAsync(SimulatedRequest request, IReadOnlySet<string> excluded);
}

/// <summary>A slot held by one request; disposing it frees the slot. The policy hears how the request went.</summary>
public interface IGridSlot : IDisposable
{
    SimulatedEndpoint Endpoint { get; }

    void Succeeded(double timeToFirstTokenSeconds, double heldSeconds, int tokens);

    void Failed();
}
