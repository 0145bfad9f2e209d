using Gryphgen.Symorq.Fabric;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Extensions;

/// <summary>The ZeroMQ broker and who may join it.</summary>
public static class FabricExtensions
{
    public static IServiceCollection AddAgentFabric(this IServiceCollection services)
    {
        services.AddOptions<FabricOptions>().BindConfiguration(FabricOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WorkerRegistry>();
        services.AddSingleton(sp => new WorkerEnrollment(sp.GetRequiredService<IOptions<FabricOptions>>().Value.Credentials));
        services.AddSingleton<WorkerCredentials>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkerCredentials>());
        services.AddSingleton<AgentBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentBroker>());
        return services;
    }
}
