using System.ClientModel;
using System.ClientModel.Primitives;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;
using OpenAI;

namespace Gryphgen.Agents.Roles;

/// <summary>Registers the four role agents, keyed by role, and the one this process serves (<c>Agent:Role</c>) unkeyed.</summary>
public static class RoleAgentServices
{
    public static IHostApplicationBuilder AddRoleAgents(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RoleAgentOptions>().BindConfiguration(RoleAgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Tokenizer>(_ => TiktokenTokenizer.CreateForEncoding("cl100k_base"));
        services.AddSingleton<PromptPacker>();
        services.AddSingleton<ModelTokenFit>();
        services.AddChatClient(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RoleAgentOptions>>().Value;
            // Its own HttpClient, not the factory's: a model call takes minutes on CPUs and the gateway already fails
            // over between endpoints, so the service defaults' short timeouts and retries must not apply here.
            var http = new HttpClient(new GryphgenHeadersHandler { InnerHandler = new SocketsHttpHandler() }) { Timeout = Timeout.InfiniteTimeSpan };
            var client = new OpenAIClient(
                new ApiKeyCredential(string.IsNullOrEmpty(options.GatewayApiKey) ? "none" : options.GatewayApiKey),
                new OpenAIClientOptions { Endpoint = new Uri(options.Gateway), Transport = new HttpClientPipelineTransport(http), NetworkTimeout = options.RequestTimeout });
            return client.GetChatClient(options.Model).AsIChatClient();
        });

        foreach (var contract in new RoleContract[] { new GeneratorContract(), new AnalyzerContract(), new MonitorContract(), new OptimizerContract() })
        {
            services.AddKeyedSingleton<IRoleAgent>(contract.Role, (sp, _) =>
                ActivatorUtilities.CreateInstance<RoleAgent>(sp, contract, RolePrompts.Load(contract.Role.ToName())));
        }
        services.AddSingleton(sp => sp.GetRequiredKeyedService<IRoleAgent>(sp.GetRequiredService<IOptions<AgentOptions>>().Value.ParsedRole));
        return builder;
    }
}
