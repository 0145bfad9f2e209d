namespace Gryphgen.Symorq.Llm;

/// <summary>The OpenAI-compatible endpoints of the LLM grid, as configured (<c>Gryphgen:Llm:Endpoints</c>).</summary>
public sealed class LlmGridOptions
{
    public const string Section = "Gryphgen:Llm";

    public List<LlmEndpointOptions> Endpoints { get; set; } = [];
}

/// <summary>One OpenAI-compatible server: llama.cpp's llama-server, LM Studio, Jan.ai or any other.</summary>
public sealed class LlmEndpointOptions
{
    public string Name { get; set; } = "";

    /// <summary>The server's root URL; a trailing <c>/v1</c> is accepted and ignored.</summary>
    public string Url { get; set; } = "";

    /// <summary>llamacpp, lmstudio, jan or openai (generic).</summary>
    public string Kind { get; set; } = LlmEndpointKinds.OpenAi;

    /// <summary>Bearer key the server expects, if any. Never logged or reported.</summary>
    public string? ApiKey { get; set; }

    public Uri BaseUri
    {
        get
        {
            var url = Url.TrimEnd('/');
            if (url.EndsWith("/v1", StringComparison.OrdinalIgnoreCase)) url = url[..^3];
            return new Uri(url + "/");
        }
    }
}

public static class LlmEndpointKinds
{
    public const string LlamaCpp = "llamacpp";
    public const string LmStudio = "lmstudio";
    public const string Jan = "jan";
    public const string OpenAi = "openai";
}
