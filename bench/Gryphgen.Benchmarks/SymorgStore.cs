using Gryphgen.Symorg;
using Gryphgen.Symorg.Data;
using Gryphgen.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gryphgen.Benchmarks;

/// <summary>A real PostgreSQL with pgvector, migrated, and SYMORG's knowledge services on it, for one benchmark run.</summary>
public sealed class SymorgStore : IAsyncDisposable
{
    private readonly PostgresServerProcess _postgres;

    private SymorgStore(PostgresServerProcess postgres, ServiceProvider services)
    {
        _postgres = postgres;
        Services = services;
    }

    public ServiceProvider Services { get; }

    public static async Task<SymorgStore> StartAsync()
    {
        var postgres = await PostgresServerProcess.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("bench");
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddKnowledge(connectionString, redisConnectionString: null)
            .BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Database.MigrateAsync();
        }
        return new SymorgStore(postgres, services);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
