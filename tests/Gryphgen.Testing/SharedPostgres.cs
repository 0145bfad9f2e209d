namespace Gryphgen.Testing;

/// <summary>
/// One PostgreSQL server for every test class of a test assembly (each class makes its own database), started on
/// first use and stopped when the test process exits: starting a cluster costs seconds, a database milliseconds.
/// </summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServerProcess>> Server = new(async () =>
    {
        var server = await PostgresServerProcess.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    });

    /// <summary>A connection string to a new, empty database with a unique name starting with <paramref name="prefix"/>.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix) =>
        await (await Server.Value).CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant());
}
