using Gryphgen.Symorg;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Embeddings;
using Gryphgen.Symorg.Ingestion;
using Gryphgen.Symorg.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.ML.Tokenizers;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 8 << 20);
builder.Services.AddDbContext<KnowledgeDbContext>(o =>
    o.UseNpgsql(builder.Configuration.GetConnectionString("gryphgen"), npgsql => npgsql.UseVector()
        .ConfigureDataSource(dataSource => dataSource.EnableDynamicJson()))); // documents.metadata is jsonb
builder.EnrichNpgsqlDbContext<KnowledgeDbContext>();

builder.Services.AddOptions<SymorgOptions>().BindConfiguration(SymorgOptions.Section);
// Embeddings are cached in Redis where the AppHost hands SYMORG one; without it every text is embedded afresh.
if (builder.Configuration.GetConnectionString("redis") is { Length: > 0 } redis)
{
    builder.Services.AddStackExchangeRedisCache(o => (o.Configuration, o.InstanceName) = (redis, "symorg:"));
}
builder.Services.AddSingleton<MiniLmEmbeddingGenerator>();
builder.Services.AddSingleton(sp => new EmbeddingGenerators(
    sp.GetRequiredService<MiniLmEmbeddingGenerator>(), sp.GetService<IDistributedCache>()));
builder.Services.AddSingleton<Tokenizer>(_ => TiktokenTokenizer.CreateForEncoding("cl100k_base"));
builder.Services.AddScoped<CollectionRegistry>();
builder.Services.AddScoped<DocumentWriter>();
builder.Services.AddScoped<KnowledgeIngestor>();
builder.Services.AddScoped<LessonRecorder>();
builder.Services.AddScoped<HybridSearch>();
builder.Services.AddScoped<ContextBuilder>();

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

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
