using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Gryphgen.AppHost.Local;

/// <summary>
/// PostgreSQL is ready when it accepts a login and offers the pgvector extension; the second half catches a
/// server installed without pgvector, which would otherwise fail later inside SYMORG's migrations.
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
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'", connection);
            var hasVector = (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
            return hasVector
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("PostgreSQL runs but pgvector is not installed: run scripts/setup.sh");
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
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
