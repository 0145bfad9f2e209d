using Gryphgen.AppHost.Configuration;

namespace Gryphgen.AppHost;

/// <summary>llama-server's arguments, the same for the local executable and the container.</summary>
public static class LlamaServerArguments
{
    /// <summary>The model: a GGUF file at <paramref name="path"/>, or <c>-hf</c> for a Hugging Face reference.</summary>
    public static string[] Model(LlmSettings llm, string path) => llm.IsHuggingFaceModel
        ? ["-hf", llm.Model[LlmSettings.HuggingFacePrefix.Length..]]
        : ["-m", path];

    /// <summary>Slots and context, and the monitoring endpoints (<c>/metrics</c>, <c>/slots</c>) the grid reads.</summary>
    public static string[] Serving(LlmSettings llm) =>
    [
        "--parallel", llm.Parallel.ToString(),
        "--ctx-size", llm.ContextSize.ToString(),
        "--metrics", "--slots", "--no-webui",
        "--embeddings", "--pooling", "mean",
        .. llm.Gpu ? new[] { "--n-gpu-layers", "999" } : [],
    ];
}
