using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorg.Data;

/// <summary>What SYMORG reports about its store: server version, pgvector version and migrations.</summary>
public sealed record KnowledgeStoreFacts(string ServerVersion, string? PgvectorVersion,
    IReadOnlyList<string> AppliedMigrations, IReadOnlyList<string> PendingMigrations);

public static class KnowledgeStoreInfo
{
    public static async Task<KnowledgeStoreFacts> ReadAsync(KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        var serverVersion = await db.Database
            .SqlQueryRaw<string>("SELECT current_setting('server_version') AS \"Value\"")
            .SingleAsync(cancellationToken);
        var pgvector = await db.Database
            .SqlQueryRaw<string>("SELECT extversion AS \"Value\" FROM pg_extension WHERE extname = 'vector'")
            .SingleOrDefaultAsync(cancellationToken);
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return new(serverVersion, pgvector, applied, pending);
    }
}
