using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorq.Grid;

/// <summary>How the LLM grid schedules (<c>Gryphgen:Grid</c>).</summary>
public sealed class GridOptions
{
    public const string Section = "Gryphgen:Grid";

    /// <summary>Requests that may wait for a slot; past this the gateway answers 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedRequests { get; set; } = 1000;

    /// <summary>
    /// A waiting request gains a priority level after this much waiting, and another each time its wait doubles, so
    /// low priority still progresses: with 5 s, low (2) overtakes a fresh high (8) request after 63 × 5 s.
    /// </summary>
    public TimeSpan AgingPerPriorityLevel { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failures (connection errors, 5xx) after which an endpoint is taken out for <see cref="Cooldown"/>.</summary>
    [Range(1, 100)]
    public int FailuresBeforeDown { get; set; } = 2;

    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Assumed completion length of a request that names no max_tokens.</summary>
    [Range(1, 1_000_000)]
    public int DefaultMaxTokens { get; set; } = 512;

    /// <summary>Speed assumed of an endpoint until real traffic teaches otherwise.</summary>
    [Range(0.001, 1_000_000)]
    public double DefaultTokensPerSecond { get; set; } = 20;

    public TimeSpan DefaultTimeToFirstToken { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Weight of the newest observation in the endpoints' moving averages of speed.</summary>
    [Range(0.01, 1)]
    public double SpeedSmoothing { get; set; } = 0.3;
}
