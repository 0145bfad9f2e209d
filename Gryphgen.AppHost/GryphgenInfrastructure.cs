using Gryphgen.AppHost.Configuration;

namespace Gryphgen.AppHost;

/// <summary>
/// What the services need from the infrastructure, the same in both modes: connection strings for the database
/// and Redis, and the AppHost's own llama-servers, one per configured model. <see cref="DatabaseDisk"/>: where the
/// database keeps its data on this host, when the services can see it (local mode), for its disk to be watched.
/// </summary>
public sealed record GryphgenInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IReadOnlyList<LlamaServer> LlamaServers,
    string? DatabaseDisk = null);

/// <summary>
/// One of the AppHost's own llama-servers: its name in the grid, its settings, and its OpenAI-compatible HTTP endpoint.
/// </summary>
public sealed record LlamaServer(string Name, LlamaServerSettings Settings, EndpointReference Endpoint)
{
    /// <summary>The resource's name: <c>llama</c> for the first (<c>local</c>), <c>llama-NAME</c> for the others.</summary>
    public static string ResourceName(string name) => name == ExternalEndpointSettings.LocalName ? "llama" : $"llama-{name}";
}
