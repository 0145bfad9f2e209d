using Gryphgen.Symorq.Llm;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// One endpoint of the grid with everything the scheduler weighs: what it serves, how many slots it has and how
/// many are taken, whether it is up, and how fast it has been. Mutated only under <see cref="EndpointRegistry.Gate"/>.
/// </summary>
public sealed class GridEndpoint(LlmEndpointOptions options, GridOptions grid)
{
    public LlmEndpointOptions Options { get; } = options;

    public string Name => Options.Name;

    public IReadOnlyList<string> ModelIds { get; set; } = [];

    public int Slots { get; set; } = Math.Max(1, options.Slots ?? 1);

    public int InFlight { get; set; }

    /// <summary>
    /// Other replicas hold all its slots, as the <see cref="SharedSlotLedger"/> last answered; until one frees (or the
    /// next poll) it counts as full here too.
    /// </summary>
    public bool FullElsewhere { get; set; }

    /// <summary>Slots taken as far as this replica can tell: its own requests, or all of them while full elsewhere.</summary>
    public int SlotsTaken => FullElsewhere ? Math.Max(InFlight, Slots) : InFlight;

    public int? ContextPerSlot { get; set; }

    /// <summary>The last probe's verdict; optimistic until the first probe, since a failed request fails over anyway.</summary>
    public bool ProbedHealthy { get; set; } = true;

    public string LastProblem { get; set; } = "";

    public DateTimeOffset DownUntil { get; set; } = DateTimeOffset.MinValue;

    public int ConsecutiveFailures { get; set; }

    /// <summary>Generation speed of one request, tokens per second (moving average of real traffic).</summary>
    public double TokensPerSecond { get; set; } = grid.DefaultTokensPerSecond;

    public double TimeToFirstTokenSeconds { get; set; } = grid.DefaultTimeToFirstToken.TotalSeconds;

    /// <summary>How long a request held a slot (moving average): the scheduler's guess of when a slot frees.</summary>
    public double ServiceSeconds { get; set; } = grid.DefaultTimeToFirstToken.TotalSeconds + grid.DefaultMaxTokens / grid.DefaultTokensPerSecond;

    public long Served { get; set; }

    public long Failures { get; set; }

    public bool IsAvailable(DateTimeOffset now) => ProbedHealthy && DownUntil <= now;

    /// <summary>Serves <paramref name="model"/> as one of its aliases or one of the model ids it lists.</summary>
    public bool Serves(string model) =>
        Options.Models.Contains(model, StringComparer.Ordinal) || ModelIds.Contains(model, StringComparer.Ordinal);

    public bool Fits(int tokens) => ContextPerSlot is not { } context || tokens <= context;

    /// <summary>The model id to send upstream for a request that named <paramref name="model"/>.</summary>
    public string UpstreamModel(string model) =>
        ModelIds.Contains(model, StringComparer.Ordinal) || ModelIds.Count == 0 ? model : ModelIds[0];
}
