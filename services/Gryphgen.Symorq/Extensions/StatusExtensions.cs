using Gryphgen.Symorq.Status;

namespace Gryphgen.Symorq.Extensions;

/// <summary>What <c>gryphgen status</c> asks about: this replica, the database's disk, Redis, the agents, the grid and each downstream service.</summary>
public static class StatusExtensions
{
    public static IServiceCollection AddStatusProbes(this IServiceCollection services)
    {
        services.AddOptions<StatusOptions>().BindConfiguration(StatusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IComponentProbe, SelfProbe>();
        services.AddSingleton<IComponentProbe, DatabaseDiskProbe>();
        services.AddSingleton<IComponentProbe, RedisProbe>();
        services.AddSingleton<IComponentProbe, AgentProbe>();
        services.AddSingleton<IComponentProbe, LlmGridProbe>();
        foreach (var service in DownstreamServiceProbe.Services)
        {
            services.AddSingleton<IComponentProbe>(sp => ActivatorUtilities.CreateInstance<DownstreamServiceProbe>(sp, service));
        }
        services.AddSingleton<SystemStatusCollector>();
        return services;
    }
}
