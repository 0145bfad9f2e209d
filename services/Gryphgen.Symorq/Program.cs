using Gryphgen.Contracts;
using Gryphgen.Contracts.Network;
using Gryphgen.Symorq.Data;
using Gryphgen.Symorq.Fabric;
using Gryphgen.Symorq.Gateway;
using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Grid.KeyProtection;
using Gryphgen.Symorq.Keys;
using Gryphgen.Symorq.Knowledge;
using Gryphgen.Symorq.Llm;
using Gryphgen.Symorq.Missions;
using Gryphgen.Symorq.Status;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.Services.AddDbContext<OrchestratorDbContext>(o => o.UseNpgsql(builder.Configuration.GetConnectionString("gryphgen"),
    npgsql => npgsql.MigrationsHistoryTable(OrchestratorDbContext.MigrationsHistoryTable)));
builder.EnrichNpgsqlDbContext<OrchestratorDbContext>();
builder.AddApiKeyAuthentication();
builder.Services.AddGrpc().AddServiceOptions<TasksService>(o => o.Interceptors.Add<TaskApiInterceptor>());

builder.Services.AddOptions<FabricOptions>().BindConfiguration(FabricOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<WorkerRegistry>();
builder.Services.AddSingleton(sp => new WorkerEnrollment(sp.GetRequiredService<IOptions<FabricOptions>>().Value.Credentials));
builder.Services.AddSingleton<WorkerCredentials>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkerCredentials>());
builder.Services.AddSingleton<AgentBroker>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentBroker>());

builder.Services.AddOptions<LlmGridOptions>().BindConfiguration(LlmGridOptions.Section);
builder.Services.AddOptions<GridOptions>().BindConfiguration(GridOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<EndpointRegistry>();
builder.Services.AddSingleton<SharedSlotLedger>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<SharedSlotLedger>());
builder.Services.AddSingleton<GridScheduler>();
builder.Services.AddEndpointKeyProtection();
builder.Services.AddSingleton<EndpointStore>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<EndpointStore>());
builder.Services.AddHostedService<EndpointProber>();
builder.Services.AddSingleton<ResponseCache>();
builder.Services.AddSingleton<GatewayForwarder>();
builder.Services.AddSingleton<TaskTokenMeter>();
// A probe wants one honest, quick answer about the endpoint as it is now, not retries that hide it.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
// Probes and upstream requests connect only where UpstreamAddresses allows, checked on the address connected to.
builder.Services.AddSingleton(services => new UpstreamAddresses(
    services.GetRequiredService<IOptions<GridOptions>>().Value.AllowPrivateAddresses, "Gryphgen:Grid:AllowPrivateAddresses"));
builder.Services.AddHttpClient<LlmEndpointProbe>((services, http) =>
    {
        http.Timeout = services.GetRequiredService<IOptions<GridOptions>>().Value.ProbeTimeout;
        http.MaxResponseContentBufferSize = services.GetRequiredService<IOptions<GridOptions>>().Value.MaxProbeResponseBytes;
    })
    .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
    {
        AllowAutoRedirect = false, ConnectCallback = services.GetRequiredService<UpstreamAddresses>().ConnectAsync,
    })
    .RemoveAllResilienceHandlers();
// Upstream LLM calls: no retries (the gateway fails over itself, before the first byte only) and a timeout on the
// answer's headers only (Gryphgen:Gateway:FirstByteTimeout: with ResponseHeadersRead the pipeline ends when they are
// in); the body then takes as long as a long generation legitimately does, the caller's disconnect cancels it. Endpoint URLs are real addresses, not
// service names, and the gateway's own span and metrics record each call: no service discovery and no
// HttpClientFactory log scopes on the hot path. As a proxy it relays redirects and cookies to its caller rather than
// follow or keep them (a cookie kept here would go upstream with every other caller's requests); one long-lived
// connection pool, renewed every few minutes for DNS changes, rather than the factory's handler rotation.
builder.Services.AddHttpClient(GatewayForwarder.UpstreamClient, http => http.Timeout = Timeout.InfiniteTimeSpan)
    .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = services.GetRequiredService<UpstreamAddresses>().ConnectAsync,
    })
    .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
    .RemoveAllResilienceHandlers()
    .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear())
    .RemoveAllLoggers()
    .AddResilienceHandler("first-byte", (pipeline, context) =>
        pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.FirstByteTimeout));

foreach (var service in DownstreamServiceProbe.Services)
{
    builder.Services.AddGrpcClient<ComponentInfo.ComponentInfoClient>(service,
        o => o.Address = new Uri($"http://_grpc.{service}")).AddInternalCredential();
}
// Ingestion runs as long as the upload and the embedding take: no attempt timeout, no retries of a half-sent stream.
builder.Services.AddGrpcClient<Knowledge.KnowledgeClient>(o => o.Address = new Uri("http://_grpc.symorg"))
    .AddInternalCredential()
    .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
    .RemoveAllResilienceHandlers();
// Workspace calls run as long as the acceptance tests do; the workflow bounds them with its own limits.
builder.Services.AddGrpcClient<Workspaces.WorkspacesClient>(o => o.Address = new Uri("http://_grpc.symaug"))
    .AddInternalCredential()
    .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
    .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
builder.Services.AddSingleton<IComponentProbe, SelfProbe>();
builder.Services.AddSingleton<IComponentProbe, RedisProbe>();
builder.Services.AddSingleton<IComponentProbe, AgentProbe>();
builder.Services.AddSingleton<IComponentProbe, LlmGridProbe>();
foreach (var service in DownstreamServiceProbe.Services)
{
    builder.Services.AddSingleton<IComponentProbe>(sp => ActivatorUtilities.CreateInstance<DownstreamServiceProbe>(sp, service));
}
builder.Services.AddSingleton<SystemStatusCollector>();

builder.Services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<TaskEventSignal>();
builder.Services.AddSingleton(sp => new MissionServices(sp.GetRequiredService<AgentBroker>(),
    sp.GetRequiredService<Workspaces.WorkspacesClient>(), sp.GetRequiredService<Knowledge.KnowledgeClient>(),
    sp.GetRequiredService<IOptions<WorkflowOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<TaskTokenMeter>()));
builder.Services.AddSingleton<MissionEngine>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<MissionEngine>());
builder.Services.AddScoped<TaskJournal>();
builder.Services.AddScoped<MissionControl>();

var app = builder.Build();

// EF Core takes a database-wide lock while migrating, so replicas starting together apply each migration once.
await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>().Database.MigrateAsync();
}
// The stored keys are in force before the first request is served (and refreshed from then on).
await app.Services.GetRequiredService<KeyRing>().RefreshAsync(CancellationToken.None);
// Likewise the enrolled worker credentials before the broker admits its first worker.
await app.Services.GetRequiredService<WorkerCredentials>().RefreshAsync(CancellationToken.None);

app.MapGrpcService<StatusService>();
app.MapGrpcService<GridService>();
app.MapGateway();
app.MapGrpcService<TasksService>();
app.MapTaskApi();
app.MapGrpcService<KnowledgeForwarder>();
app.MapGrpcService<KeysService>();
app.MapGrpcService<AgentsService>();
app.MapDefaultEndpoints();
app.Run();
