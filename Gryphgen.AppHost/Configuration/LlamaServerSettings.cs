using Gryphgen.Contracts.Llm;

namespace Gryphgen.AppHost.Configuration;

/// <summary>
/// One llama-server the AppHost starts, a grid endpoint of kind llamacpp: its model, its slots and context, and the
/// model aliases it serves. <see cref="LlmSettings"/> is the first (<c>Gryphgen:Llm:*</c>, named <c>local</c>);
/// <see cref="LlmSettings.Servers"/> holds the others, one per model.
/// </summary>
public class LlamaServerSettings
{
    public const string HuggingFacePrefix = "hf:";

    /// <summary>A GGUF file, or <c>hf:org/repo[:quant]</c> (containers mode). Empty: none.</summary>
    public string Model { get; set; } = "";

    /// <summary>llama-server's slots: requests it decodes at once.</summary>
    public int Parallel { get; set; } = 4;

    /// <summary>llama-server's total context, shared by its slots.</summary>
    public int ContextSize { get; set; } = ContextWindow.DefaultTokens;

    /// <summary>The model aliases this server serves in the grid; none configured means <c>default</c>.</summary>
    /// <remarks>Not initialised with the default: the configuration binder appends to a list, it does not replace it.</remarks>
    public List<string> Aliases { get; set; } = [];

    public IReadOnlyList<string> ServedAliases => Aliases.Count > 0 ? Aliases : ["default"];

    /// <summary>One slot's share of the context: what a single request (prompt and reply) may use.</summary>
    public int ContextPerSlot => ContextSize / Parallel;

    public bool HasModel => !string.IsNullOrWhiteSpace(Model);

    public bool IsHuggingFaceModel => Model.StartsWith(HuggingFacePrefix, StringComparison.Ordinal);

    public string ModelPath => Paths.Expand(Model);

    /// <summary>What is wrong with this server's settings, each problem naming its key under <paramref name="path"/>.</summary>
    public IEnumerable<string> Validate(string path)
    {
        if (HasModel && !IsHuggingFaceModel && !File.Exists(ModelPath))
            yield return $"{path}:Model: the model file '{ModelPath}' does not exist; give the path of a GGUF file " +
                         $"(or {HuggingFacePrefix}org/repo for containers mode), or leave it empty to start no llama-server";
        if (IsHuggingFaceModel && Model.Length == HuggingFacePrefix.Length)
            yield return $"{path}:Model: '{Model}' names no Hugging Face repository (expected {HuggingFacePrefix}org/repo[:quant])";
        if (Parallel is < 1 or > 64)
            yield return $"{path}:Parallel must be between 1 and 64 (got {Parallel})";
        if (Parallel >= 1 && ContextPerSlot < ContextWindow.MinTokensPerSlot)
            yield return $"{path}:ContextSize / {path}:Parallel must leave each slot at least {ContextWindow.MinTokensPerSlot} tokens for a role's prompt and reply (got {ContextPerSlot})";
        foreach (var alias in LlmEndpointShape.AliasProblems(Aliases)) yield return $"{path}:Aliases {alias}";
    }
}
