using Gryphgen.Persistence;
using Gryphgen.Symaug.Acceptance;
using Gryphgen.Symaug.Data;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Symaug.Workspaces;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gryphgen.Symaug.Extensions;

/// <summary>SYMAUG as a whole: what it registers, what it prepares before serving, and what it serves.</summary>
public static class SymaugExtensions
{
    public static WebApplicationBuilder AddSymaugServices(this WebApplicationBuilder builder)
    {
        builder.AddInternalAuthentication(); // only SYMORQ, with the internal credential; /health and /alive stay anonymous
        builder.AddServiceDatabase<WorkspaceDbContext>();
        builder.Services.AddGrpc(o => o.Interceptors.Add<SymaugErrorInterceptor>());
        builder.Services.AddOptions<WorkspaceOptions>().BindConfiguration(WorkspaceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSandbox();
        builder.Services.AddSingleton<Toolchains>();
        builder.Services.AddSingleton<HostCapabilities>();
        builder.Services.AddSingleton<DiskFloor>();
        builder.Services.AddSingleton<AcceptanceTestRunner>();
        builder.Services.AddSingleton<WorkspaceLocks>();
        builder.Services.AddSingleton<WorkspaceRecords>();
        builder.Services.AddScoped<WorkspaceStore>();
        builder.Services.AddScoped<WorkspaceFence>();
        builder.Services.AddHealthChecks().AddCheck<SandboxHealthCheck>("sandbox");
        return builder;
    }

    /// <summary>What must be in place before the first request: the schema, and every workspace's pristine seeds.</summary>
    public static async Task PrepareSymaugAsync(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<HostCapabilities>().GetAsync(); // probe now, not on the first question
        await app.Services.MigrateServiceDatabaseAsync<WorkspaceDbContext>();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<WorkspaceStore>().RecoverPristineSeedsAsync(CancellationToken.None);
    }

    public static WebApplication MapSymaug(this WebApplication app)
    {
        app.MapGrpcService<ComponentInfoService>();
        app.MapGrpcService<WorkspacesService>();
        app.MapDefaultEndpoints();
        return app;
    }
}
