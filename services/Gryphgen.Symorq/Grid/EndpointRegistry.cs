using Gryphgen.Symorq.Grid.Endpoints;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// Which endpoints the grid has. Configuration seeds it; the API adds and removes endpoints at run time. Each
/// endpoint guards its own state (<see cref="GridEndpoint"/>); this lock guards only the membership.
/// </summary>
public sealed class EndpointRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, GridEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly GridOptions _grid;
    private readonly TimeProvider _time;

    public EndpointRegistry(IOptions<GridOptions> grid, TimeProvider time)
    {
        _grid = grid.Value;
        _time = time;
        foreach (var endpoint in _grid.Endpoints) Upsert(endpoint);
    }

    /// <summary>Raised (outside any lock) when capacity may have appeared: an endpoint added, back up, or re-sized.</summary>
    public event Action? CapacityChanged;

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Completion length assumed of a request that names no max_tokens.</summary>
    public int DefaultMaxTokens => _grid.DefaultMaxTokens;

    /// <summary>The endpoints, in name order.</summary>
    public IReadOnlyList<GridEndpoint> Endpoints()
    {
        lock (_gate) return [.. _endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    /// <summary>Every endpoint's state now, in name order.</summary>
    public IReadOnlyList<EndpointSnapshot> Snapshot() => [.. Endpoints().Select(e => e.Snapshot())];

    public GridEndpoint? Find(string name)
    {
        lock (_gate) return _endpoints.GetValueOrDefault(name);
    }

    /// <summary>Adds an endpoint, or replaces one of the same name (its learned speed starts over).</summary>
    public GridEndpoint Upsert(LlmEndpointOptions options)
    {
        var endpoint = new GridEndpoint(options, _grid);
        lock (_gate) _endpoints[options.Name] = endpoint;
        CapacityChanged?.Invoke();
        return endpoint;
    }

    public bool Remove(string name)
    {
        bool removed;
        lock (_gate) removed = _endpoints.Remove(name);
        if (removed) CapacityChanged?.Invoke();
        return removed;
    }

    /// <summary>Takes in what a probe saw of <paramref name="endpoint"/>, which may have brought capacity.</summary>
    public void ApplyProbe(GridEndpoint endpoint, LlmEndpointState state)
    {
        endpoint.ApplyProbe(state);
        CapacityChanged?.Invoke();
    }
}
