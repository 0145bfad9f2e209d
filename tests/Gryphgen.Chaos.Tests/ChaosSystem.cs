using Gryphgen.Testing;

namespace Gryphgen.Chaos.Tests;

/// <summary>
/// The whole system as the mission tests run it, but on a PostgreSQL server of its own, so that killing the database
/// is one more fault to inject.
/// </summary>
public sealed class ChaosSystem : MissionSystem
{
    public PostgresServerProcess Postgres { get; private set; } = null!;

    protected override async Task<string> CreateDatabaseAsync()
    {
        Postgres = await PostgresServerProcess.StartAsync();
        return await Postgres.CreateDatabaseAsync("chaos");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
    }
}
