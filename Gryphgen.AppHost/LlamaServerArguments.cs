using Gryphgen.AppHost.Configuration;

namespace Gryphgen.AppHost;

/// <summary>llama-server's arguments, the same for the local executable and the container.</summary>
public static class LlamaServerArguments
{
    /// <summary>The model: a GGUF file at <paramref name="path"/>, or <c>-hf</c> for a Hugging Face reference.</summary>
    public static string[] Model(LlamaServerSettings server, string path) => server.IsHuggingFaceModel
        ? ["-hf", server.Model[LlamaServerSettings.HuggingFacePrefix.Length..]]
        : ["-m", path];

    /// <summary>
    /// Slots and context, and the monitoring endpoints: <c>/slots</c>, which the grid reads, and <c>/metrics</c>, which
    /// the end-to-end tests read. llama-server answers HTTP from a fixed pool of threads (by default slots + 2), one per
    /// open keep-alive connection; the gateway's pooled connections, its prober and requests being cancelled each hold
    /// one, and with the pool used up new connections wait unanswered, so it gets headroom.
    /// </summary>
    public static string[] Serving(LlamaServerSettings server, bool gpu) =>
    [
        "--parallel", server.Parallel.ToString(),
        "--threads-http", (server.Parallel + 8).ToString(),
        "--ctx-size", server.ContextSize.ToString(),
        "--metrics", "--slots", "--no-webui",
        "--embeddings", "--pooling", "mean",
        .. gpu ? new[] { "--n-gpu-layers", "999" } : [],
    ];
}
