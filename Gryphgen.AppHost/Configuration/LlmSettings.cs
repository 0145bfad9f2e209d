using Gryphgen.Contracts;
using Gryphgen.Contracts.Llm;

namespace Gryphgen.AppHost.Configuration;

/// <summary>
/// The LLM grid as the AppHost starts it: an optional llama-server for <see cref="LlamaServerSettings.Model"/> (the
/// endpoint <c>local</c>), further llama-servers by name in <see cref="Servers"/> (one per model, each its own
/// endpoint with its own slots and aliases), plus any external OpenAI-compatible <see cref="Endpoints"/>.
/// </summary>
public sealed class LlmSettings : LlamaServerSettings
{
    public const string Section = "Gryphgen:Llm";

    /// <summary>Containers mode: every llama-server from the CUDA image, all layers on the host's GPUs.</summary>
    public bool Gpu { get; set; }

    /// <summary>Further llama-servers, keyed by their grid endpoint name (<c>Gryphgen:Llm:Servers:NAME:*</c>).</summary>
    public Dictionary<string, LlamaServerSettings> Servers { get; set; } = new();

    public List<ExternalEndpointSettings> Endpoints { get; set; } = [];

    /// <summary>The llama-servers a run starts, by grid endpoint name: <c>local</c> when a model is configured, then <see cref="Servers"/>.</summary>
    public IEnumerable<(string Name, LlamaServerSettings Server)> LlamaServers
    {
        get
        {
            if (HasModel) yield return (ExternalEndpointSettings.LocalName, this);
            foreach (var (name, server) in Servers) yield return (name, server);
        }
    }

    /// <summary>Where a llama-server's settings are: <c>Gryphgen:Llm</c> for <c>local</c>, <c>Gryphgen:Llm:Servers:NAME</c> for the others.</summary>
    public static string SectionOf(string name) => name == ExternalEndpointSettings.LocalName ? Section : ServerSection(name);

    private static string ServerSection(string name) => $"{Section}:Servers:{name}";

    public IEnumerable<string> Validate()
    {
        foreach (var problem in Validate(Section)) yield return problem;

        var names = new HashSet<string>(LlamaServers.Select(server => server.Name));
        foreach (var (name, server) in Servers)
        {
            var path = ServerSection(name);
            if (LlmEndpointShape.NameProblem(name) is { } shape) yield return $"{path}: the name {shape}";
            if (name == ExternalEndpointSettings.LocalName)
                yield return $"{path}: the name '{name}' is the first llama-server's ({Section}:Model); choose another";
            if (!server.HasModel) yield return $"{path}:Model is required: the path of a GGUF file, or {HuggingFacePrefix}org/repo in containers mode";
            foreach (var problem in server.Validate(path)) yield return problem;
        }
        for (var i = 0; i < Endpoints.Count; i++)
        {
            foreach (var problem in Endpoints[i].Validate($"{Section}:Endpoints:{i}")) yield return problem;
            if (!names.Add(Endpoints[i].Name))
                yield return $"{Section}:Endpoints:{i}:Name '{Endpoints[i].Name}' is used twice; endpoint names must be unique";
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
