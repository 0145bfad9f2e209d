namespace Gryphgen.AppHost;

/// <summary>
/// What the services need from the infrastructure, the same in both modes: connection strings for the database
/// and Redis, and the AppHost's own llama-server when a model is configured. <see cref="DatabaseDisk"/>: where the
/// database keeps its data on this host, when the services can see it (local mode), for its disk to be watched.
/// </summary>
public sealed record GryphgenInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    LlamaServer? Llm,
    string? DatabaseDisk = null)
{
    /// <summary>Name of the connection string the services read the database from.</summary>
    public const string DatabaseName = "gryphgen";
}

/// <summary>The AppHost's own llama-server and its OpenAI-compatible HTTP endpoint.</summary>
public sealed record LlamaServer(IResourceBuilder<IResource> Resource, EndpointReference Endpoint);
