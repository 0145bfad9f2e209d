using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Persistence;

/// <summary>
/// Moves a migrations history from where an earlier release kept it to the service's schema, so a database made by
/// that release is recognised as migrated instead of being migrated again over its existing tables.
/// </summary>
internal static class LegacyHistory
{
    /// <summary>Any fixed key: replicas starting together take turns, and the second finds the move done.</summary>
    private const long LockKey = 0x4752_5950_4847;

    public static Task MoveAsync(DbContext db, string legacyTable, string schema, CancellationToken ct)
    {
        var sql = MoveStatement(legacyTable, schema);
        // Aspire's retrying execution strategy runs a transaction of ours only as one retriable unit.
        return db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct);
            await db.Database.ExecuteSqlRawAsync(sql, ct);
            await transaction.CommitAsync(ct);
        });
    }

    private static string MoveStatement(string legacyTable, string schema)
    {
        var (legacySchema, legacyName) = legacyTable.Split('.') is [var s, var t] ? (s, t)
            : throw new ArgumentException($"'{legacyTable}' is not schema.table", nameof(legacyTable));
        // Names are the service's own constants, never input; quoted as identifiers all the same.
        var source = $"{Quote(legacySchema)}.{Quote(legacyName)}";
        var target = $"{Quote(schema)}.{Quote(ServiceDatabase.HistoryTable)}";
        var rename = legacyName == ServiceDatabase.HistoryTable ? ""
            : $"ALTER TABLE {Quote(schema)}.{Quote(legacyName)} RENAME TO {Quote(ServiceDatabase.HistoryTable)};";
        return $"""
            DO $move$ BEGIN
              IF to_regclass('{target}') IS NULL AND to_regclass('{source}') IS NOT NULL THEN
                CREATE SCHEMA IF NOT EXISTS {Quote(schema)};
                ALTER TABLE {source} SET SCHEMA {Quote(schema)};
                {rename}
              END IF;
            END $move$
            """;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
