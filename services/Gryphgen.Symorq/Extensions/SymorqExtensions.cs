using Gryphgen.Contracts;
using Gryphgen.Persistence;
using Gryphgen.Symorq.Data;
using Gryphgen.Symorq.Fabric;
using Gryphgen.Symorq.Grid.Gateway;
using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Keys;
using Gryphgen.Symorq.Knowledge;
using Gryphgen.Symorq.Missions;
using Gryphgen.Symorq.Status;

namespace Gryphgen.Symorq.Extensions;

/// <summary>SYMORQ as a whole: what it registers, what it prepares before serving, and what it serves.</summary>
public static class SymorqExtensions
{
    public static WebApplicationBuilder AddSymorqServices(this WebApplicationBuilder builder)
    {
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceDatabase<OrchestratorDbContext>();
        builder.AddApiKeyAuthentication();
        builder.Services.AddGrpc(o => o.Interceptors.Add<SymorqErrorInterceptor>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReplicaIdentity>();
        builder.Services.AddAgentFabric().AddLlmGrid().AddGateway().AddDownstreamClients().AddStatusProbes().AddWorkflow().AddRetention();
        return builder;
    }

    /// <summary>What must be in place before the first request: the schema, the stored keys and the enrolled workers.</summary>
    public static async Task PrepareSymorqAsync(this WebApplication app)
    {
        await app.Services.MigrateServiceDatabaseAsync<OrchestratorDbContext>();
        // The stored keys are in force before the first request is served (and refreshed from then on).
        await app.Services.GetRequiredService<KeyRing>().RefreshAsync(CancellationToken.None);
        // Likewise the enrolled worker credentials before the broker admits its first worker.
        await app.Services.GetRequiredService<WorkerCredentials>().RefreshAsync(CancellationToken.None);
    }

    public static WebApplication MapSymorq(this WebApplication app)
    {
        app.MapGrpcService<StatusService>();
        app.MapGrpcService<GridService>();
        app.MapGateway();
        app.MapGrpcService<TasksService>();
        app.MapTaskApi();
        app.MapGrpcService<KnowledgeForwarder>();
        app.MapGrpcService<KeysService>();
        app.MapGrpcService<AgentsService>();
        app.MapDefaultEndpoints();
        return app;
    }
}
