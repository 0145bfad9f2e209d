using Gryphgen.Symaug.Data;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorq.Data;
using Gryphgen.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gryphgen.Persistence.Tests;

/// <summary>
/// Each service's context migrated the one way, on a real PostgreSQL: tables and history in the service's own schema, and a
/// database an earlier release made (its history elsewhere) taken over without migrating its tables again.
/// </summary>
public sealed class ServiceDatabaseTests
{
    [Fact]
    public Task Symorq_takes_over_the_history_an_earlier_release_kept_in_public() => TakesOverLegacyHistoryAsync<OrchestratorDbContext>();

    [Fact]
    public Task Symorg_takes_over_the_history_an_earlier_release_kept_in_public() => TakesOverLegacyHistoryAsync<KnowledgeDbContext>();

    [Fact]
    public async Task A_new_database_gets_each_history_in_its_service_schema_and_the_three_share_it()
    {
        var connection = await MigrateAllAsync("fresh");

        Assert.Equal(await AllMigrationsAsync<OrchestratorDbContext>(connection), await HistoryAsync(connection, "symorq"));
        Assert.Equal(await AllMigrationsAsync<KnowledgeDbContext>(connection), await HistoryAsync(connection, "symorg"));
        Assert.Equal(await AllMigrationsAsync<WorkspaceDbContext>(connection), await HistoryAsync(connection, "symaug"));
        Assert.False(await ExistsAsync(connection, "public.\"__EFMigrationsHistory\""));
    }

    [Fact]
    public async Task Columns_follow_the_snake_case_rule_in_every_schema()
    {
        var connection = await MigrateAllAsync("columns");

        var columns = await ColumnsAsync(connection);
        Assert.Contains("symorq.tasks.lease_owner", columns);
        Assert.Contains("symorg.chunks.search_vector", columns);
        Assert.Contains("symaug.workspaces.seed_sha256", columns);
        Assert.DoesNotContain(columns, c => c.Any(char.IsUpper) && !c.Contains("__EFMigrationsHistory"));
    }

    private static async Task TakesOverLegacyHistoryAsync<TContext>() where TContext : DbContext, IServiceDbContext
    {
        var connection = await SharedPostgres.CreateDatabaseAsync(TContext.Schema + "_legacy");
        var legacy = TContext.LegacyHistoryTable!.Split('.');
        // The earlier release: the same migrations, the history in its old place.
        await using (var provider = Provider<TContext>(connection, n => n.MigrationsHistoryTable(legacy[1], legacy[0])))
        await using (var scope = provider.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<TContext>().Database.MigrateAsync();

        // Migrating its tables again would fail: they exist. Twice, as a second replica or the next start does.
        await MigrateAsync<TContext>(connection);
        await MigrateAsync<TContext>(connection);

        Assert.Equal(await AllMigrationsAsync<TContext>(connection), await HistoryAsync(connection, TContext.Schema));
        Assert.False(await ExistsAsync(connection, TContext.LegacyHistoryTable));
    }

    [Fact]
    public async Task A_new_database_keeps_nothing_of_any_service_in_public()
    {
        var connection = await MigrateAllAsync("public");

        Assert.Empty(await InPublicAsync(connection));
    }

    [Fact]
    public Task Symorq_moves_an_earlier_release_s_tables_out_of_public_with_their_rows() => MovesOutOfPublicAsync<OrchestratorDbContext>(
        "INSERT INTO public.data_protection_keys (friendly_name, xml) VALUES ('kept', '<key/>')",
        "SELECT friendly_name FROM symorq.data_protection_keys");

    [Fact]
    public Task Symorg_moves_an_earlier_release_s_tables_out_of_public_with_their_rows() => MovesOutOfPublicAsync<KnowledgeDbContext>(
        "INSERT INTO public.collections (name, embedding_model, dimension, created_at) VALUES ('kept', 'm', 3, now())",
        "SELECT name FROM symorg.collections");

    /// <summary>The release before each service's tables had a schema of their own: migrated to there, a row written, migrated on.</summary>
    private static async Task MovesOutOfPublicAsync<TContext>(string insert, string select) where TContext : DbContext, IServiceDbContext
    {
        var connection = await SharedPostgres.CreateDatabaseAsync(TContext.Schema + "_public");
        await using (var provider = Provider<TContext>(connection))
        await using (var scope = provider.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
            var migrations = database.GetMigrations().ToList();
            var moved = migrations.FindIndex(m => m.EndsWith("_OwnSchema", StringComparison.Ordinal));
            await database.GetService<IMigrator>().MigrateAsync(migrations[moved - 1]);
        }
        Assert.NotEmpty(await InPublicAsync(connection));
        await QueryAsync(connection, insert);

        await MigrateAsync<TContext>(connection);

        Assert.Empty(await InPublicAsync(connection));
        Assert.Equal(["kept"], await QueryAsync(connection, select));
    }

    /// <summary>Tables and functions in public, beside what extensions put there (pgvector's type and operators).</summary>
    private static Task<List<string>> InPublicAsync(string connection) => QueryAsync(connection,
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' " +
        "UNION ALL SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' " +
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')");

    /// <summary>A new database with all three services' schemas in it, as one deployment has.</summary>
    private static async Task<string> MigrateAllAsync(string prefix)
    {
        var connection = await SharedPostgres.CreateDatabaseAsync(prefix);
        await MigrateAsync<OrchestratorDbContext>(connection);
        await MigrateAsync<KnowledgeDbContext>(connection);
        await MigrateAsync<WorkspaceDbContext>(connection);
        return connection;
    }

    private static ServiceProvider Provider<TContext>(string connection,
        Action<Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder>? npgsql = null) where TContext : DbContext, IServiceDbContext
    {
        var services = new ServiceCollection();
        if (npgsql is null) services.AddServiceDbContext<TContext>(connection, VectorFor<TContext>());
        else services.AddDbContext<TContext>(o => o.UseNpgsql(connection, n => { VectorFor<TContext>()?.Invoke(n); npgsql(n); }));
        return services.BuildServiceProvider();
    }

    // SYMORG's context maps pgvector's type; the others have no use for it.
    private static Action<Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder>? VectorFor<TContext>() =>
        typeof(TContext) == typeof(KnowledgeDbContext) ? n => n.UseVector() : null;

    private static async Task MigrateAsync<TContext>(string connection) where TContext : DbContext, IServiceDbContext
    {
        await using var provider = Provider<TContext>(connection);
        await provider.MigrateServiceDatabaseAsync<TContext>();
    }

    private static async Task<List<string>> AllMigrationsAsync<TContext>(string connection) where TContext : DbContext, IServiceDbContext
    {
        await using var provider = Provider<TContext>(connection);
        await using var scope = provider.CreateAsyncScope();
        return [.. scope.ServiceProvider.GetRequiredService<TContext>().Database.GetMigrations()];
    }

    private static async Task<List<string>> HistoryAsync(string connection, string schema) =>
        await QueryAsync(connection, $"SELECT \"MigrationId\" FROM \"{schema}\".\"{ServiceDatabase.HistoryTable}\" ORDER BY 1");

    private static async Task<bool> ExistsAsync(string connection, string table) =>
        (await QueryAsync(connection, $"SELECT coalesce(to_regclass('{table}')::text, '')")).Single() != "";

    private static Task<List<string>> ColumnsAsync(string connection) => QueryAsync(connection,
        "SELECT table_schema || '.' || table_name || '.' || column_name FROM information_schema.columns " +
        "WHERE table_schema IN ('public', 'symorq', 'symorg', 'symaug')");

    private static async Task<List<string>> QueryAsync(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }
}
