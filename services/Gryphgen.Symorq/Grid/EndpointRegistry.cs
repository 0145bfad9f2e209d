using Gryphgen.Symorq.Llm;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// The grid's endpoints and their live state. Configuration seeds it; the API adds and removes endpoints at run time.
/// One lock, <see cref="Gate"/>, guards every endpoint's state and the scheduler's queue, so a scheduling decision
/// always sees one consistent grid.
/// </summary>
public sealed class EndpointRegistry
{
    private readonly Dictionary<string, GridEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly GridOptions _grid;
    private readonly TimeProvider _time;

    public EndpointRegistry(IOptions<LlmGridOptions> configured, IOptions<GridOptions> grid, TimeProvider time)
    {
        _grid = grid.Value;
        _time = time;
        foreach (var endpoint in configured.Value.Endpoints) Upsert(endpoint);
    }

    public object Gate { get; } = new();

    /// <summary>Raised (outside the lock) when capacity may have appeared: an endpoint added, back up, or re-sized.</summary>
    public event Action? CapacityChanged;

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Completion length assumed of a request that names no max_tokens.</summary>
    public int DefaultMaxTokens => _grid.DefaultMaxTokens;

    public IReadOnlyList<GridEndpoint> Snapshot()
    {
        lock (Gate) return [.. _endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    /// <summary>The endpoints themselves; only for a caller that holds <see cref="Gate"/>.</summary>
    internal IEnumerable<GridEndpoint> EndpointsHeld => _endpoints.Values;

    public GridEndpoint? Find(string name)
    {
        lock (Gate) return _endpoints.GetValueOrDefault(name);
    }

    /// <summary>Adds an endpoint, or replaces one of the same name (its learned speed starts over).</summary>
    public GridEndpoint Upsert(LlmEndpointOptions options)
    {
        var endpoint = new GridEndpoint(options, _grid);
        lock (Gate) _endpoints[options.Name] = endpoint;
        CapacityChanged?.Invoke();
        return endpoint;
    }

    public bool Remove(string name)
    {
        bool removed;
        lock (Gate) removed = _endpoints.Remove(name);
        if (removed) CapacityChanged?.Invoke();
        return removed;
    }

    /// <summary>Takes in what a probe saw; a probe that finds the endpoint well ends a cool-down early.</summary>
    public void ApplyProbe(GridEndpoint endpoint, LlmEndpointState state)
    {
        lock (Gate)
        {
            endpoint.ProbedHealthy = state.Healthy;
            endpoint.LastProblem = state.Healthy ? "" : state.Detail;
            if (!state.Healthy) return;
            endpoint.ModelIds = state.ModelIds;
            if (state.Slots is { } slots) endpoint.Slots = Math.Max(1, slots);
            endpoint.ContextPerSlot = state.ContextPerSlot;
            endpoint.ConsecutiveFailures = 0;
            endpoint.DownUntil = DateTimeOffset.MinValue;
        }
        CapacityChanged?.Invoke();
    }

    /// <summary>
    /// Learns from a finished request: how long it held its slot, its time to first token where known, and its
    /// generation speed (as the endpoint reported it, or counted from tokens and time).
    /// </summary>
    public void ReportSuccess(GridEndpoint endpoint, TimeSpan? timeToFirstToken, TimeSpan held, int completionTokens, double? tokensPerSecond)
    {
        var a = _grid.SpeedSmoothing;
        lock (Gate)
        {
            endpoint.Served++;
            endpoint.ConsecutiveFailures = 0;
            endpoint.ServiceSeconds = Blend(endpoint.ServiceSeconds, held.TotalSeconds, a);
            if (timeToFirstToken is { } first)
                endpoint.TimeToFirstTokenSeconds = Blend(endpoint.TimeToFirstTokenSeconds, first.TotalSeconds, a);
            var speed = tokensPerSecond ?? (completionTokens > 0 && timeToFirstToken is { } ttft && held > ttft
                ? completionTokens / (held - ttft).TotalSeconds
                : (double?)null);
            if (speed is > 0 and < double.PositiveInfinity) endpoint.TokensPerSecond = Blend(endpoint.TokensPerSecond, speed.Value, a);
        }
    }

    /// <summary>Counts a failure; enough in a row take the endpoint out for the cool-down, until a probe finds it well.</summary>
    public void ReportFailure(GridEndpoint endpoint, string problem)
    {
        lock (Gate)
        {
            endpoint.Failures++;
            endpoint.LastProblem = problem;
            if (++endpoint.ConsecutiveFailures >= _grid.FailuresBeforeDown) endpoint.DownUntil = Now + _grid.Cooldown;
        }
    }

    private static double Blend(double average, double sample, double weight) => average + weight * (sample - average);
}
