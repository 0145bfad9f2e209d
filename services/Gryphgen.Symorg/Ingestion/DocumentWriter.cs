using Gryphgen.Symorg.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace Gryphgen.Symorg.Ingestion;

/// <summary>
/// Writes one document and its chunks in one transaction, replacing the previous version: a failure leaves the old
/// version whole. Chunks go in by binary COPY, which beats row-by-row inserts from a handful of rows up.
/// </summary>
public sealed class DocumentWriter(KnowledgeDbContext db, TimeProvider time)
{
    public Task WriteAsync(Collection collection, PreparedDocument prepared, IReadOnlyList<Vector> embeddings,
        CancellationToken cancellationToken) =>
        // The retrying strategy (Aspire's default) replays the whole transaction when the connection drops.
        db.Database.CreateExecutionStrategy().ExecuteAsync(ct => WriteOnceAsync(collection, prepared, embeddings, ct), cancellationToken);

    private async Task WriteOnceAsync(Collection collection, PreparedDocument prepared, IReadOnlyList<Vector> embeddings,
        CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Documents.Where(d => d.CollectionId == collection.Id && d.SourceUri == prepared.SourceUri)
            .ExecuteDeleteAsync(cancellationToken);
        var document = new Document
        {
            CollectionId = collection.Id, SourceUri = prepared.SourceUri, ContentHash = prepared.ContentHash,
            Language = prepared.Language, Metadata = new(prepared.Metadata), IngestedAt = time.GetUtcNow(),
        };
        db.Documents.Add(document);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {KnowledgeDbContext.Schema}.chunks (document_id, collection_id, ordinal, header, text, start_line, end_line, embedding) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            for (var i = 0; i < prepared.Chunks.Count; i++)
            {
                var chunk = prepared.Chunks[i];
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(document.Id, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(collection.Id, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(chunk.Header, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(chunk.Text, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(chunk.StartLine, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(chunk.EndLine, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(embeddings[i], "vector", cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
