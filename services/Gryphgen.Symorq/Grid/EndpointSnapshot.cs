using Gryphgen.Symorq.Grid.Endpoints;

namespace Gryphgen.Symorq.Grid;

/// <summary>An endpoint's state at one moment, everything the scheduler weighs and the listings show.</summary>
/// <param name="SlotsTaken">Slots taken as far as this replica can tell: its own requests, or all while full elsewhere.</param>
/// <param name="TokensPerSecond">Generation speed of one request (moving average of real traffic).</param>
/// <param name="ServiceSeconds">How long a request held a slot (moving average): the scheduler's guess of when a slot frees.</param>
public sealed record EndpointSnapshot(GridEndpoint Endpoint, IReadOnlyList<string> ModelIds, int Slots, int InFlight, int SlotsTaken,
    int? ContextPerSlot, bool ProbedHealthy, string LastProblem, DateTimeOffset DownUntil, double TokensPerSecond,
    double TimeToFirstTokenSeconds, double ServiceSeconds, long Served, long Failures)
{
    public LlmEndpointOptions Options => Endpoint.Options;

    public string Name => Endpoint.Name;

    public bool IsAvailable(DateTimeOffset now) => ProbedHealthy && DownUntil <= now;

    /// <summary>Serves <paramref name="model"/> as one of its aliases or one of the model ids it lists.</summary>
    public bool Serves(string model) =>
        Options.Models.Contains(model, StringComparer.Ordinal) || ModelIds.Contains(model, StringComparer.Ordinal);

    public bool Fits(int tokens) => ContextPerSlot is not { } context || tokens <= context;

    /// <summary>The model id to send upstream for a request that named <paramref name="model"/>.</summary>
    public string UpstreamModel(string model) =>
        ModelIds.Contains(model, StringComparer.Ordinal) || ModelIds.Count == 0 ? model : ModelIds[0];
}
