using Gryphgen.AppHost.Local;
using Gryphgen.Testing;
using Npgsql;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>Local mode's PostgreSQL readiness: the application database made once, whoever asks at the same time.</summary>
public sealed class LocalPostgresTests
{
    [Fact]
    public async Task The_database_is_created_once_when_several_ask_for_it_at_once()
    {
        await using var postgres = await PostgresServerProcess.StartAsync();
        var server = postgres.ConnectionStringFor("postgres");

        await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await LocalPostgresReadyCheck.EnsureDatabaseAsync(connection, "raced", CancellationToken.None);
        }));

        await using var created = new NpgsqlConnection(postgres.ConnectionStringFor("raced"));
        await created.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = 'raced'", created);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
