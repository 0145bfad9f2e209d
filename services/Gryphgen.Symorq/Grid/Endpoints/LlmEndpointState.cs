namespace Gryphgen.Symorq.Grid.Endpoints;

/// <summary>What a probe learned about one endpoint.</summary>
public sealed record LlmEndpointState(bool Healthy, string Detail, IReadOnlyDictionary<string, string> Facts)
{
    public IReadOnlyList<string> ModelIds { get; init; } = [];

    public int? Slots { get; init; }

    /// <summary>Tokens of context each slot has (llama.cpp divides its context among its slots).</summary>
    public int? ContextPerSlot { get; init; }
}
