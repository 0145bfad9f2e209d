using System.Diagnostics;
using System.Security.Cryptography;
using Gryphgen.AppHost.Local;
using Npgsql;

namespace Gryphgen.Testing;

/// <summary>
/// A real PostgreSQL server with pgvector in a fresh cluster under a temporary folder, on a free loopback port,
/// set up exactly as the AppHost's local mode does. One per test class; each test class makes its own databases.
/// </summary>
public sealed class PostgresServerProcess : IAsyncDisposable
{
    private const string PostgresBin = "/usr/lib/postgresql/15/bin";
    private readonly ProcessStartInfo _start;
    private readonly string _stateDirectory;
    private readonly NpgsqlConnectionStringBuilder _server;
    private LoggedProcess _process;

    private PostgresServerProcess(ProcessStartInfo start, string stateDirectory, NpgsqlConnectionStringBuilder server)
    {
        _start = start;
        _process = LoggedProcess.Start(start);
        _stateDirectory = stateDirectory;
        _server = server;
    }

    public static async Task<PostgresServerProcess> StartAsync()
    {
        var state = Directory.CreateTempSubdirectory("gryphgen-pg-").FullName;
        var cluster = new LocalPostgresCluster(PostgresBin, state);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        cluster.EnsureInitialized(password);

        var port = FreePort.Next();
        var (command, prefix) = cluster.AsOwner("postgres");
        var start = new ProcessStartInfo(command,
            [.. prefix, "-D", cluster.DataDirectory, "-k", cluster.SocketDirectory, "-c", "listen_addresses=127.0.0.1", "-p", port.ToString()]);

        var server = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "postgres", Password = password, Database = "postgres", Pooling = false,
        };
        var postgres = new PostgresServerProcess(start, state, server);
        await postgres.ReadyAsync();
        return postgres;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port => _server.Port;

    /// <summary>Kills the server and every backend (SIGKILL), as a crash would; <see cref="StartAgainAsync"/> recovers it.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Starts the server again on its port and data (it replays its write-ahead log, as after a crash).</summary>
    public async Task StartAgainAsync()
    {
        await _process.DisposeAsync();
        _process = LoggedProcess.Start(_start);
        await ReadyAsync();
    }

    private Task ReadyAsync() => Eventually.Get(async () =>
        {
            await _process.ThrowIfExitedAsync("postgres");
            try
            {
                await using var connection = new NpgsqlConnection(_server.ConnectionString);
                await connection.OpenAsync();
                return true;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }, ready => ready, TimeSpan.FromSeconds(60), "postgres accepting connections");

    /// <summary>A connection string to a new, empty database of that name (created now).</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>A connection string for a database that does not exist yet (for code that creates it itself).</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = database, Pooling = true }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _process.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }
}
