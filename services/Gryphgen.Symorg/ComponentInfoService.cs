using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symorg.Data;

namespace Gryphgen.Symorg;

/// <summary>SYMORG's answer to SYMORQ's status question: itself, and the PostgreSQL store it owns.</summary>
public sealed class ComponentInfoService(KnowledgeDbContext db) : ComponentInfo.ComponentInfoBase
{
    public override async Task<DescribeReply> Describe(DescribeRequest request, ServerCallContext context)
    {
        var traceId = GryphgenTelemetry.CurrentTraceId;
        var reply = new DescribeReply();
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
