using Gryphgen.Symorg;
using Gryphgen.Symorg.Data;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddInternalAuthentication(); // only SYMORQ, with the internal credential; /health and /alive stay anonymous
builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 8 << 20);
builder.Services.AddKnowledge(builder.Configuration.GetConnectionString("gryphgen"), builder.Configuration.GetConnectionString("redis"));
builder.EnrichNpgsqlDbContext<KnowledgeDbContext>();

var app = builder.Build();

// EF Core takes a database-wide lock while migrating, so replicas starting together apply each migration once.
await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Database.MigrateAsync();
}

app.MapGrpcService<ComponentInfoService>();
app.MapGrpcService<KnowledgeService>();
app.MapDefaultEndpoints();
app.Run();
