using Gryphgen.Contracts;
using Gryphgen.Symorq.Fabric;
using Gryphgen.Symorq.Grid.Gateway;
using Gryphgen.Symorq.Missions;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Extensions;

/// <summary>The durable workflow that runs tasks, and the journal and control it is watched and steered through.</summary>
public static class WorkflowExtensions
{
    public static IServiceCollection AddWorkflow(this IServiceCollection services)
    {
        services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TaskEventSignal>();
        services.AddSingleton<TaskEventListener>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskEventListener>());
        services.AddSingleton<WatcherLimits>();
        services.AddSingleton(sp => new RecoveryWait(sp.GetRequiredService<IOptions<WorkflowOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new MissionServices(sp.GetRequiredService<AgentBroker>(),
            sp.GetRequiredService<Workspaces.WorkspacesClient>(), sp.GetRequiredService<Contracts.Knowledge.KnowledgeClient>(),
            sp.GetRequiredService<IOptions<WorkflowOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RecoveryWait>(), sp.GetRequiredService<TaskTokenMeter>()));
        services.AddSingleton<MissionEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<MissionEngine>());
        services.AddScoped<TaskJournal>();
        services.AddScoped<MissionControl>();
        return services;
    }
}
