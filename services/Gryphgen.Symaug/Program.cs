using Gryphgen.Symaug;
using Gryphgen.Symaug.Acceptance;
using Gryphgen.Symaug.Data;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Symaug.Workspaces;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddInternalAuthentication(); // only SYMORQ, with the internal credential; /health and /alive stay anonymous
builder.Services.AddGrpc(o => o.Interceptors.Add<WorkspaceErrorInterceptor>());
builder.Services.AddOptions<WorkspaceOptions>().BindConfiguration(WorkspaceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSandbox();
builder.Services.AddSingleton<Toolchains>();
builder.Services.AddSingleton<HostCapabilities>();
builder.Services.AddSingleton<DiskFloor>();
builder.Services.AddSingleton<AcceptanceTestRunner>();
builder.Services.AddSingleton<WorkspaceLocks>();
builder.Services.AddSingleton<WorkspaceRecords>();
builder.Services.AddScoped<WorkspaceStore>();
builder.Services.AddHealthChecks().AddCheck<SandboxHealthCheck>("sandbox");
// Its own migrations history in its own schema: SYMAUG shares the database with SYMORG.
builder.Services.AddDbContext<WorkspaceDbContext>(o => o.UseNpgsql(builder.Configuration.GetConnectionString("gryphgen"),
    npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", WorkspaceDbContext.Schema)));
builder.EnrichNpgsqlDbContext<WorkspaceDbContext>();

var app = builder.Build();
_ = app.Services.GetRequiredService<HostCapabilities>().GetAsync(); // probe now, not on the first question

// EF Core takes a database-wide lock while migrating, so replicas starting together apply each migration once.
await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<WorkspaceDbContext>().Database.MigrateAsync();
    await scope.ServiceProvider.GetRequiredService<WorkspaceStore>().RecoverPristineSeedsAsync(CancellationToken.None);
}

app.MapGrpcService<ComponentInfoService>();
app.MapGrpcService<WorkspacesService>();
app.MapDefaultEndpoints();
app.Run();

/// <summary>The entry point, visible to the service tests that host SYMAUG in-process.</summary>
public partial class Program;
