using System.Net.Sockets;
using System.Text;
using Gryphgen.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Gryphgen.AppHost.Local;

/// <summary>
/// PostgreSQL is ready when it accepts a login, offers the pgvector extension, and has the application's database.
/// pgvector is checked because a server installed without it would otherwise fail later inside SYMORG's migrations;
/// the database is created here, once, because the services start together and each one's migrations would create
/// it if missing: two doing so at once is a race one of them loses ("database already exists") and exits.
/// </summary>
public sealed class LocalPostgresReadyCheck(LocalPostgresResource postgres) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(
            await postgres.ConnectionStringExpression.GetValueAsync(cancellationToken)) { Database = "postgres", Timeout = 3 };
        try
        {
            await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var vector = new NpgsqlCommand("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'", connection);
            if ((long)(await vector.ExecuteScalarAsync(cancellationToken))! == 0)
                return HealthCheckResult.Unhealthy("PostgreSQL runs but pgvector is not installed: run scripts/setup.sh");
            await EnsureDatabaseAsync(connection, ConnectionNames.Database, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    /// <summary>Creates the database unless it exists; <paramref name="name"/> is ours, never user input.</summary>
    public static async Task EnsureDatabaseAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = name } },
        };
        if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! > 0) return;
        // CREATE DATABASE takes no parameters.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Created meanwhile by someone else (at the very same moment, PostgreSQL reports the catalog's unique
            // index rather than the database): as good as ours.
        }
    }
}

/// <summary>Redis is ready when it answers AUTH and PING.</summary>
public sealed class LocalRedisReadyCheck(LocalRedisResource redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var host = await redis.Endpoint.Property(EndpointProperty.Host).GetValueAsync(cancellationToken);
        var port = int.Parse((await redis.Endpoint.Property(EndpointProperty.Port).GetValueAsync(cancellationToken))!);
        var password = await redis.Password.GetValueAsync(cancellationToken);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host!, port, cancellationToken);
            await using var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {password}\r\nPING\r\n"), cancellationToken);
            var buffer = new byte[256];
            var reply = new StringBuilder();
            while (!reply.ToString().Contains("PONG") && !reply.ToString().Contains("-ERR"))
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0) break;
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            return reply.ToString().Contains("+PONG") ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(reply.ToString().Trim());
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
