namespace Gryphgen.AppHost;

/// <summary>
/// What the services need from the infrastructure, the same in both modes: connection strings for the database
/// and Redis, and the AppHost's own llama-server when a model is configured.
/// </summary>
public sealed record GryphgenInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    LlamaServer? Llm)
{
    /// <summary>Name of the connection string the services read the database from.</summary>
    public const string DatabaseName = "gryphgen";
}

/// <summary>The AppHost's own llama-server and its OpenAI-compatible HTTP endpoint.</summary>
public sealed record LlamaServer(IResourceBuilder<IResource> Resource, EndpointReference Endpoint);
