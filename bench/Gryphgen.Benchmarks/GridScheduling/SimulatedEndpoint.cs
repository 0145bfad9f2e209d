namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>
/// An LLM server of the simulated grid: <paramref name="Slots"/> requests at once, each generating at
/// <paramref name="TokensPerSecond"/> when it is the only one generating, after
/// <paramref name="TimeToFirstTokenSeconds"/>; a share of requests (<paramref name="FailureRate"/>) fail with a 5xx
/// before the first byte. llama.cpp decodes its busy slots as one batch, so each slot slows as more generate:
/// with n generating, each gets TokensPerSecond / (1 + <paramref name="Contention"/> × (n − 1)) (0: no slowdown).
/// </summary>
public sealed record SimulatedEndpoint(string Name, int Slots, double TokensPerSecond, double TimeToFirstTokenSeconds,
    double FailureRate = 0, double Contention = 0)
{
    /// <summary>Tokens per second of each of <paramref name="generating"/> requests generating together.</summary>
    public double PerSlotSpeed(int generating) => TokensPerSecond / (1 + Contention * Math.Max(generating - 1, 0));

    /// <summary>Tokens per second with every slot generating: the most the endpoint does (n × speed(n) grows with n).</summary>
    public double Capacity => Slots * PerSlotSpeed(Slots);
}

/// <summary>
/// One request of the workload: when it arrives, how urgent it is, the max_tokens it asks for (what a scheduler
/// can see) and the tokens it really generates (what it costs).
/// </summary>
public sealed record SimulatedRequest(int Id, double Arrival, int Priority, int MaxTokens, int PromptTokens, int Tokens);
