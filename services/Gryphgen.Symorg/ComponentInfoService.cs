using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Persistence;
using Gryphgen.Symorg.Data;

namespace Gryphgen.Symorg;

/// <summary>SYMORG's answer to SYMORQ's status question: itself, the PostgreSQL store it owns, and its embedding cache.</summary>
public sealed class ComponentInfoService(KnowledgeDbContext db, FailOpenCache? cache = null) : ComponentInfo.ComponentInfoBase
{
    public override async Task<DescribeReply> Describe(DescribeRequest request, ServerCallContext context)
    {
        var traceId = GryphgenTelemetry.CurrentTraceId;
        var reply = new DescribeReply();
        reply.Components.Add(new ComponentStatus
        {
            // Not required: without it SYMORG embeds every text again, slower but right.
            Name = "symorg/embedding-cache", Kind = "cache", Required = false, TraceId = traceId, Healthy = cache?.Healthy ?? true,
            Detail = cache switch
            {
                null => "no Redis configured: every text is embedded afresh",
                { Healthy: true } => "Redis",
                _ => "degraded: Redis fails, so SYMORG embeds without its cache until it answers again",
            },
        });
        try
        {
            var facts = await KnowledgeStoreInfo.ReadAsync(db, context.CancellationToken);
            var migrated = facts.PendingMigrations.Count == 0;
            reply.Components.Add(new ComponentStatus
            {
                Name = "symorg", Kind = "service", Required = true, TraceId = traceId, Healthy = migrated,
                Detail = migrated
                    ? $"retrieval service; {facts.AppliedMigrations.Count} migration(s) applied"
                    : $"{facts.PendingMigrations.Count} migration(s) not applied: {string.Join(", ", facts.PendingMigrations)}",
                Facts = { ["migrations"] = string.Join(",", facts.AppliedMigrations) },
            });
            reply.Components.Add(new ComponentStatus
            {
                Name = "postgres", Kind = "database", Required = true, TraceId = traceId,
                Healthy = facts.PgvectorVersion is not null,
                Detail = facts.PgvectorVersion is null
                    ? $"PostgreSQL {facts.ServerVersion} without the pgvector extension"
                    : $"PostgreSQL {facts.ServerVersion} with pgvector {facts.PgvectorVersion}",
                Facts = { ["server_version"] = facts.ServerVersion, ["pgvector_version"] = facts.PgvectorVersion ?? "" },
            });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            reply.Components.Add(new ComponentStatus
            {
                Name = "postgres", Kind = "database", Required = true, TraceId = traceId, Healthy = false,
                Detail = $"SYMORG cannot reach its database: {ex.GetBaseException().Message}",
            });
        }
        return reply;
    }
}
