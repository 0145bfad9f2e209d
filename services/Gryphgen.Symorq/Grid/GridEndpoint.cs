using Gryphgen.Symorq.Grid.Endpoints;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// One endpoint of the grid and its live state: what it serves, its slots and how many are taken, whether it is up,
/// and how fast it has been. It owns its lock: the state changes only through the operations below, and readers get
/// an <see cref="EndpointSnapshot"/> of one moment.
/// </summary>
public sealed class GridEndpoint(LlmEndpointOptions options, GridOptions grid)
{
    private readonly Lock _gate = new();
    private IReadOnlyList<string> _modelIds = [];
    private int _slots = Math.Max(1, options.Slots ?? 1);
    private int _inFlight;
    private bool _fullElsewhere;
    private int? _contextPerSlot;
    private bool _probedHealthy = true; // optimistic until the first probe, since a failed request fails over anyway
    private string _lastProblem = "";
    private DateTimeOffset _downUntil = DateTimeOffset.MinValue;
    private int _consecutiveFailures;
    private double _tokensPerSecond = grid.DefaultTokensPerSecond;
    private double _timeToFirstTokenSeconds = grid.DefaultTimeToFirstToken.TotalSeconds;
    private double _serviceSeconds = grid.DefaultTimeToFirstToken.TotalSeconds + grid.DefaultMaxTokens / grid.DefaultTokensPerSecond;
    private long _served;
    private long _failures;

    public LlmEndpointOptions Options { get; } = options;

    public string Name => Options.Name;

    public EndpointSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new EndpointSnapshot(this, _modelIds, _slots, _inFlight, Taken,
                _contextPerSlot, _probedHealthy, _lastProblem, _downUntil, _tokensPerSecond, _timeToFirstTokenSeconds,
                _serviceSeconds, _served, _failures);
        }
    }

    /// <summary>Takes a slot if one is free as far as this replica can tell (its own requests, or all while full elsewhere).</summary>
    public bool TryTakeSlot()
    {
        lock (_gate)
        {
            if (Taken >= _slots) return false;
            _inFlight++;
            return true;
        }
    }

    /// <summary>Slots taken as far as this replica can tell: its own requests, or all of them while full elsewhere. Caller holds the lock.</summary>
    private int Taken => _fullElsewhere ? Math.Max(_inFlight, _slots) : _inFlight;

    public void ReleaseSlot()
    {
        lock (_gate) _inFlight--;
    }

    /// <summary>
    /// Gives back a slot taken here because other replicas hold all of the endpoint's slots (as the
    /// <see cref="SharedSlotLedger"/> answered): until <see cref="ClearFullElsewhere"/> it counts as full here too.
    /// </summary>
    public void ReleaseFullElsewhere()
    {
        lock (_gate)
        {
            _inFlight--;
            _fullElsewhere = true;
        }
    }

    /// <summary>A slot may have freed on another replica; true when the endpoint had been full elsewhere.</summary>
    public bool ClearFullElsewhere()
    {
        lock (_gate)
        {
            var was = _fullElsewhere;
            _fullElsewhere = false;
            return was;
        }
    }

    /// <summary>Takes in what a probe saw; a probe that finds the endpoint well ends a cool-down early.</summary>
    public void ApplyProbe(LlmEndpointState state)
    {
        lock (_gate)
        {
            _probedHealthy = state.Healthy;
            _lastProblem = state.Healthy ? "" : state.Detail;
            if (!state.Healthy) return;
            _modelIds = state.ModelIds;
            if (state.Slots is { } slots) _slots = Math.Max(1, slots);
            _contextPerSlot = state.ContextPerSlot;
            _consecutiveFailures = 0;
            _downUntil = DateTimeOffset.MinValue;
        }
    }

    /// <summary>
    /// Learns from a finished request: how long it held its slot, its time to first token where known, and its
    /// generation speed (as the endpoint reported it, or counted from tokens and time).
    /// </summary>
    public void RecordSuccess(TimeSpan? timeToFirstToken, TimeSpan held, int completionTokens, double? tokensPerSecond)
    {
        var a = grid.SpeedSmoothing;
        var speed = tokensPerSecond ?? (completionTokens > 0 && timeToFirstToken is { } ttft && held > ttft
            ? completionTokens / (held - ttft).TotalSeconds
            : (double?)null);
        lock (_gate)
        {
            _served++;
            _consecutiveFailures = 0;
            _serviceSeconds = Blend(_serviceSeconds, held.TotalSeconds, a);
            if (timeToFirstToken is { } first) _timeToFirstTokenSeconds = Blend(_timeToFirstTokenSeconds, first.TotalSeconds, a);
            if (speed is > 0 and < double.PositiveInfinity) _tokensPerSecond = Blend(_tokensPerSecond, speed.Value, a);
        }
    }

    /// <summary>Counts a failure; enough in a row take the endpoint out for the cool-down, until a probe finds it well.</summary>
    public void RecordFailure(string problem, DateTimeOffset now)
    {
        lock (_gate)
        {
            _failures++;
            _lastProblem = problem;
            if (++_consecutiveFailures >= grid.FailuresBeforeDown) _downUntil = now + grid.Cooldown;
        }
    }

    private static double Blend(double average, double sample, double weight) => average + weight * (sample - average);
}
