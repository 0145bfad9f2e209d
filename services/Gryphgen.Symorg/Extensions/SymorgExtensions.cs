using Gryphgen.Contracts;
using Gryphgen.Persistence;
using Gryphgen.Symorg.Data;

namespace Gryphgen.Symorg.Extensions;

/// <summary>SYMORG as a whole: what it registers, what it prepares before serving, and what it serves.</summary>
public static class SymorgExtensions
{
    public static WebApplicationBuilder AddSymorgServices(this WebApplicationBuilder builder)
    {
        builder.AddInternalAuthentication(); // only SYMORQ, with the internal credential; /health and /alive stay anonymous
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = 8 << 20;
            o.Interceptors.Add<SymorgErrorInterceptor>();
        });
        builder.Services.AddKnowledge(builder.Configuration.GetConnectionString(ConnectionNames.Database), builder.Configuration.GetConnectionString(ConnectionNames.Redis));
        builder.EnrichNpgsqlDbContext<KnowledgeDbContext>();
        return builder;
    }

    /// <summary>What must be in place before the first request: the schema.</summary>
    public static Task PrepareSymorgAsync(this WebApplication app) => app.Services.MigrateServiceDatabaseAsync<KnowledgeDbContext>();

    public static WebApplication MapSymorg(this WebApplication app)
    {
        app.MapGrpcService<ComponentInfoService>();
        app.MapGrpcService<KnowledgeService>();
        app.MapDefaultEndpoints();
        return app;
    }
}
