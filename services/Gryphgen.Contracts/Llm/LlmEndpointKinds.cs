namespace Gryphgen.Contracts.Llm;

/// <summary>
/// The kinds of OpenAI-compatible server the grid knows how to probe; shared by SYMORQ, which validates endpoints
/// added at run time, and the AppHost, which validates the ones configured.
/// </summary>
public static class LlmEndpointKinds
{
    public const string LlamaCpp = "llamacpp";
    public const string LmStudio = "lmstudio";
    public const string Jan = "jan";
    public const string OpenAi = "openai";

    public static readonly string[] All = [LlamaCpp, LmStudio, Jan, OpenAi];
}
