using Gryphgen.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Gryphgen.Persistence;

/// <summary>How a service registers its database context and brings its schema up to date before it serves.</summary>
public static class ServiceDatabase
{
    public const string HistoryTable = "__EFMigrationsHistory";

    /// <summary>The context on <paramref name="connectionString"/>, its history in its own schema.</summary>
    public static IServiceCollection AddServiceDbContext<TContext>(this IServiceCollection services, string? connectionString,
        Action<NpgsqlDbContextOptionsBuilder>? npgsql = null) where TContext : DbContext, IServiceDbContext =>
        services.AddDbContext<TContext>(o => o.UseNpgsql(connectionString, n =>
        {
            n.MigrationsHistoryTable(HistoryTable, TContext.Schema);
            npgsql?.Invoke(n);
        }));

    /// <summary>The context on the <see cref="ConnectionNames.Database"/> connection string, with Aspire's health check, retries and telemetry.</summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder,
        Action<NpgsqlDbContextOptionsBuilder>? npgsql = null) where TContext : DbContext, IServiceDbContext
    {
        builder.Services.AddServiceDbContext<TContext>(builder.Configuration.GetConnectionString(ConnectionNames.Database), npgsql);
        builder.EnrichNpgsqlDbContext<TContext>();
        return builder;
    }

    /// <summary>
    /// Applies the migrations not yet applied. EF Core takes a database-wide lock while migrating, so replicas starting
    /// together apply each migration once; the history of an earlier release is moved first, under a lock of its own.
    /// </summary>
    public static async Task MigrateServiceDatabaseAsync<TContext>(this IServiceProvider services, CancellationToken cancellationToken = default)
        where TContext : DbContext, IServiceDbContext
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (TContext.LegacyHistoryTable is { } legacy) await LegacyHistory.MoveAsync(db, legacy, TContext.Schema, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
