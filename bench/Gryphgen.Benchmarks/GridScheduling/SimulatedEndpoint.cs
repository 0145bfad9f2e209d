namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>
/// An LLM server of the simulated grid: <paramref name="Slots"/> requests at once, each generating at
/// <paramref name="TokensPerSecond"/> after <paramref name="TimeToFirstTokenSeconds"/>; a share of requests
/// (<paramref name="FailureRate"/>) fail with a 5xx before the first byte.
/// </summary>
public sealed record SimulatedEndpoint(string Name, int Slots, double TokensPerSecond, double TimeToFirstTokenSeconds, double FailureRate = 0)
{
    /// <summary>Tokens per second with every slot busy.</summary>
    public double Capacity => Slots * TokensPerSecond;
}

/// <summary>
/// One request of the workload: when it arrives, how urgent it is, the max_tokens it asks for (what a scheduler
/// can see) and the tokens it really generates (what it costs).
/// </summary>
public sealed record SimulatedRequest(int Id, double Arrival, int Priority, int MaxTokens, int PromptTokens, int Tokens);
