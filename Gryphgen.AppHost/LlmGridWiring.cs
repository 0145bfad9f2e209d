using Gryphgen.AppHost.Configuration;
using Gryphgen.Contracts.Llm;

namespace Gryphgen.AppHost;

/// <summary>
/// Hands SYMORQ the grid's endpoints as configuration (<c>Gryphgen:Llm:Endpoints:N:*</c>): the AppHost's own
/// llama-servers first, then every external endpoint, each API key through a secret parameter.
/// </summary>
public static class LlmGridWiring
{
    public static IResourceBuilder<ProjectResource> WithLlmGrid(this IResourceBuilder<ProjectResource> symorq,
        IDistributedApplicationBuilder builder, IReadOnlyList<LlamaServer> llamaServers, LlmSettings llm)
    {
        var index = 0;
        foreach (var server in llamaServers)
        {
            symorq.WithEndpointVariables(index, server.Name, LlmEndpointKinds.LlamaCpp, server.Settings.ServedAliases)
                .WithEnvironment(Key(index, "Url"), server.Endpoint);
            index++;
        }
        foreach (var endpoint in llm.Endpoints)
        {
            symorq.WithEndpointVariables(index, endpoint.Name, endpoint.Kind, endpoint.Models).WithEnvironment(Key(index, "Url"), endpoint.Url);
            if (endpoint.ApiKeyParameter.Length > 0)
                symorq.WithEnvironment(Key(index, "ApiKey"), builder.AddParameter(endpoint.ApiKeyParameter, secret: true));
            index++;
        }
        return symorq;
    }

    private static IResourceBuilder<ProjectResource> WithEndpointVariables(this IResourceBuilder<ProjectResource> symorq,
        int index, string name, string kind, IReadOnlyList<string> aliases)
    {
        symorq.WithEnvironment(Key(index, "Name"), name).WithEnvironment(Key(index, "Kind"), kind);
        for (var i = 0; i < aliases.Count; i++) symorq.WithEnvironment(Key(index, $"Models__{i}"), aliases[i]);
        return symorq;
    }

    private static string Key(int index, string field) => $"Gryphgen__Llm__Endpoints__{index}__{field}";
}
