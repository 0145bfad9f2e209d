using Gryphgen.Contracts;
using Gryphgen.Contracts.Llm;

namespace Gryphgen.AppHost.Configuration;

/// <summary>
/// The LLM grid as the AppHost starts it: an optional llama-server for <see cref="Model"/>, plus any external
/// OpenAI-compatible <see cref="Endpoints"/>.
/// </summary>
public sealed class LlmSettings
{
    public const string HuggingFacePrefix = "hf:";

    /// <summary>A GGUF file for the AppHost's own llama-server, or <c>hf:org/repo[:quant]</c> (containers mode). Empty: none.</summary>
    public string Model { get; set; } = "";

    /// <summary>llama-server's slots: requests it decodes at once.</summary>
    public int Parallel { get; set; } = 4;

    /// <summary>llama-server's total context, shared by its slots.</summary>
    public int ContextSize { get; set; } = ContextWindow.DefaultTokens;

    /// <summary>Containers mode: the CUDA image with <c>--gpus all</c>.</summary>
    public bool Gpu { get; set; }

    /// <summary>The model aliases the AppHost's own llama-server serves in the grid; none configured means <c>default</c>.</summary>
    /// <remarks>Not initialised with the default: the configuration binder appends to a list, it does not replace it.</remarks>
    public List<string> Aliases { get; set; } = [];

    public IReadOnlyList<string> LocalAliases => Aliases.Count > 0 ? Aliases : ["default"];

    public List<ExternalEndpointSettings> Endpoints { get; set; } = [];

    /// <summary>One slot's share of the context: what a single request (prompt and reply) may use.</summary>
    public int ContextPerSlot => ContextSize / Parallel;

    public bool HasModel => !string.IsNullOrWhiteSpace(Model);

    public bool IsHuggingFaceModel => Model.StartsWith(HuggingFacePrefix, StringComparison.Ordinal);

    public string ModelPath => Paths.Expand(Model);

    public IEnumerable<string> Validate()
    {
        if (HasModel && !IsHuggingFaceModel && !File.Exists(ModelPath))
            yield return $"Gryphgen:Llm:Model: the model file '{ModelPath}' does not exist; give the path of a GGUF file " +
                         $"(or {HuggingFacePrefix}org/repo for containers mode), or leave it empty to start no llama-server";
        if (IsHuggingFaceModel && Model.Length == HuggingFacePrefix.Length)
            yield return $"Gryphgen:Llm:Model: '{Model}' names no Hugging Face repository (expected {HuggingFacePrefix}org/repo[:quant])";
        if (Parallel is < 1 or > 64)
            yield return $"Gryphgen:Llm:Parallel must be between 1 and 64 (got {Parallel})";
        if (Parallel >= 1 && ContextPerSlot < ContextWindow.MinTokensPerSlot)
            yield return $"Gryphgen:Llm:ContextSize / Gryphgen:Llm:Parallel must leave each slot at least {ContextWindow.MinTokensPerSlot} tokens for a role's prompt and reply (got {ContextPerSlot})";

        var names = new HashSet<string>();
        for (var i = 0; i < Endpoints.Count; i++)
        {
            foreach (var problem in Endpoints[i].Validate($"Gryphgen:Llm:Endpoints:{i}")) yield return problem;
            if (!names.Add(Endpoints[i].Name) || (HasModel && Endpoints[i].Name == ExternalEndpointSettings.LocalName))
                yield return $"Gryphgen:Llm:Endpoints:{i}:Name '{Endpoints[i].Name}' is used twice; endpoint names must be unique";
        }
    }
}

/// <summary>An OpenAI-compatible server the AppHost does not start: llama.cpp elsewhere, LM Studio, Jan.ai, ...</summary>
public sealed class ExternalEndpointSettings
{
    /// <summary>The name the AppHost's own llama-server has in the grid.</summary>
    public const string LocalName = "local";

    public string Name { get; set; } = "";

    public string Url { get; set; } = "";

    public string Kind { get; set; } = LlmEndpointKinds.OpenAi;

    /// <summary>
    /// Name of an Aspire secret parameter holding the endpoint's API key (set it with
    /// <c>Parameters:NAME</c> in user secrets or the environment). Empty: no key.
    /// </summary>
    public string ApiKeyParameter { get; set; } = "";

    /// <summary>The model aliases this endpoint serves (e.g. coder, fast, embed).</summary>
    public List<string> Models { get; set; } = [];

    public IEnumerable<string> Validate(string path)
    {
        if (LlmEndpointShape.NameProblem(Name) is { } name) yield return $"{path}:Name {name}";
        if (!LlmEndpointShape.TryUrl(Url, out _, out var url)) yield return $"{path}:Url {url}";
        if (LlmEndpointShape.KindProblem(Kind) is { } kind) yield return $"{path}:Kind {kind}";
        foreach (var alias in LlmEndpointShape.AliasProblems(Models)) yield return $"{path}:Models {alias}";
        if (ApiKeyParameter.Length > 0 && !RecordNames.IsValid(ApiKeyParameter))
            yield return $"{path}:ApiKeyParameter '{ApiKeyParameter}' {RecordNames.Rule}";
    }
}
