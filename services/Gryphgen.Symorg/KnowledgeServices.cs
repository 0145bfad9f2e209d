using Gryphgen.Contracts.Network;
using Gryphgen.Persistence;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Embeddings;
using Gryphgen.Symorg.Ingestion;
using Gryphgen.Symorg.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;
using Polly;

namespace Gryphgen.Symorg;

/// <summary>SYMORG's knowledge services, registered the same way by the service and by the benchmarks.</summary>
public static class KnowledgeServices
{
    public static IServiceCollection AddKnowledge(this IServiceCollection services, string? connectionString, string? redisConnectionString)
    {
        services.AddServiceDbContext<KnowledgeDbContext>(connectionString, npgsql => npgsql.UseVector()
            .ConfigureDataSource(dataSource => dataSource.EnableDynamicJson())); // documents.metadata is jsonb
        services.AddOptions<SymorgOptions>().BindConfiguration(SymorgOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Embeddings are cached in Redis where one is configured; without it, or while it is down, every text is
        // embedded afresh (FailOpenCache).
        if (!string.IsNullOrEmpty(redisConnectionString))
        {
            services.AddFailOpenCache("The embedding cache", (_, o) => (o.Configuration, o.InstanceName) = (redisConnectionString, "symorg:"));
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MiniLmEmbeddingGenerator>();
        // A collection's embedding endpoint is a URL a caller named: connected to only where UpstreamAddresses
        // allows (checked on the address connected to), redirects not followed, answers bounded.
        services.AddSingleton(sp => new UpstreamAddresses(
            sp.GetRequiredService<IOptions<SymorgOptions>>().Value.AllowPrivateEmbeddingAddresses, "Symorg:AllowPrivateEmbeddingAddresses"));
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
        services.AddHttpClient(EmbeddingGenerators.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseCookies = false, ConnectCallback = sp.GetRequiredService<UpstreamAddresses>().ConnectAsync,
            })
            // The OpenAI client retries by itself; the default handler's retries and 10 s attempt timeout would add
            // to those and cut a large batch short. Innermost, the timeout bounds only the wait for the headers.
            .RemoveAllResilienceHandlers()
            .AddHttpMessageHandler(sp => new BoundedAnswers(sp.GetRequiredService<IOptions<SymorgOptions>>().Value.MaxEmbeddingResponseBytes))
            .AddResilienceHandler("first-byte", (pipeline, context) =>
                pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<SymorgOptions>>().Value.EmbeddingFirstByteTimeout));
#pragma warning restore EXTEXP0001
        services.AddSingleton(sp => new EmbeddingGenerators(sp.GetRequiredService<MiniLmEmbeddingGenerator>(),
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetService<FailOpenCache>()));
        services.AddSingleton<Tokenizer>(_ => TiktokenTokenizer.CreateForEncoding("cl100k_base"));
        services.AddScoped<CollectionRegistry>();
        services.AddScoped<DocumentWriter>();
        services.AddScoped<KnowledgeIngestor>();
        services.AddScoped<LessonRecorder>();
        services.AddScoped<HybridSearch>();
        services.AddScoped<ContextBuilder>();
        return services;
    }
}
