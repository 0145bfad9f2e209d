using Gryphgen.Symorg;
using Gryphgen.Symorg.Data;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddGrpc();
builder.Services.AddDbContext<KnowledgeDbContext>(o =>
    o.UseNpgsql(builder.Configuration.GetConnectionString("gryphgen"), npgsql => npgsql.UseVector()));
builder.EnrichNpgsqlDbContext<KnowledgeDbContext>();

var app = builder.Build();

// EF Core takes a database-wide lock while migrating, so replicas starting together apply each migration once.
await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Database.MigrateAsync();
}

app.MapGrpcService<ComponentInfoService>();
app.MapDefaultEndpoints();
app.Run();
