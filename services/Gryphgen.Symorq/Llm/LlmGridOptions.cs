namespace Gryphgen.Symorq.Llm;

/// <summary>The OpenAI-compatible endpoints of the LLM grid, as configured (<c>Gryphgen:Llm:Endpoints</c>).</summary>
public sealed class LlmGridOptions
{
    public const string Section = "Gryphgen:Llm";

    public List<LlmEndpointOptions> Endpoints { get; set; } = [];
}
