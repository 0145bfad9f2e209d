using Gryphgen.Contracts.Llm;

namespace Gryphgen.Symorq.Grid.Endpoints;

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

    /// <summary>Model aliases this endpoint serves (e.g. coder, fast, embed), besides the model ids it lists itself.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Preference among endpoints of equal expected speed; 2 counts the endpoint twice as fast.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Requests it serves at once, where the server cannot say (llama.cpp reports its slots itself).</summary>
    public int? Slots { get; set; }

    /// <summary>
    /// This endpoint's own <see cref="Gateway.GatewayOptions.FirstByteTimeout"/> (a slow box with long prompts);
    /// unset: the gateway's. Configured endpoints only: the Grid API has no field for it.
    /// </summary>
    public TimeSpan? FirstByteTimeout { get; set; }

    /// <summary>This endpoint's own <see cref="Gateway.GatewayOptions.StreamIdleTimeout"/>; unset: the gateway's. Configured endpoints only.</summary>
    public TimeSpan? StreamIdleTimeout { get; set; }

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
