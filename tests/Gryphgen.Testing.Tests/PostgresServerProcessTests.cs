using Npgsql;

namespace Gryphgen.Testing.Tests;

/// <summary>The shared PostgreSQL test server starts as local mode starts it, with pgvector available.</summary>
public sealed class PostgresServerProcessTests
{
    [Fact]
    public async Task A_fresh_server_creates_databases_with_pgvector()
    {
        await using var postgres = await PostgresServerProcess.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("probe");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE EXTENSION vector; SELECT '[1,2,3]'::vector <=> '[1,2,4]'::vector", connection);
        var distance = (double)(await command.ExecuteScalarAsync())!;
        Assert.InRange(distance, 0.0, 0.01);
    }
}
