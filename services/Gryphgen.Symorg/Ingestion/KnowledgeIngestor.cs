using Gryphgen.Symorg.Chunking;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Embeddings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pgvector;

namespace Gryphgen.Symorg.Ingestion;

/// <summary>
/// Ingests a tree of files into a collection under a source label, incrementally: a file whose content hash is
/// unchanged is skipped, a changed one replaces its chunks, one that is gone is removed. Chunks of several documents
/// are embedded together in batches; each document is then written in its own transaction.
/// </summary>
public sealed class KnowledgeIngestor(KnowledgeDbContext db, DocumentWriter writer, EmbeddingGenerators generators,
    IOptions<SymorgOptions> options, ILogger<KnowledgeIngestor> logger)
{
    public async Task<IngestionReport> IngestAsync(Collection collection, string source, string root, CancellationToken cancellationToken)
    {
        var prefix = source + "/";
        var known = await db.Documents.AsNoTracking()
            .Where(d => d.CollectionId == collection.Id && d.SourceUri.StartsWith(prefix))
            .ToDictionaryAsync(d => d.SourceUri, d => d.ContentHash, cancellationToken);
        var report = new IngestionReport();
        var seen = new HashSet<string>();
        var batch = new List<PreparedDocument>();

        foreach (var file in SourceTree.Walk(root))
        {
            var uri = prefix + file.RelativePath;
            var screened = await FileScreen.ReadAsync(file.FullPath, options.Value.MaxFileBytes, cancellationToken);
            if (screened.SkipReason is not null)
            {
                report.Skipped.Add((uri, screened.SkipReason));
                continue; // and if an earlier version was ingested, it goes: it no longer says what the file says
            }
            seen.Add(uri);
            if (known.TryGetValue(uri, out var hash) && hash == screened.ContentHash)
            {
                report.Unchanged++;
                continue;
            }
            var (language, structure) = Languages.ForPath(file.RelativePath);
            var chunks = DocumentChunker.Split(uri, structure, screened.Text!);
            if (chunks.Count == 0)
            {
                seen.Remove(uri);
                report.Skipped.Add((uri, "empty"));
                continue;
            }
            batch.Add(new PreparedDocument(uri, screened.ContentHash, language, known.ContainsKey(uri), chunks,
                new Dictionary<string, string> { ["path"] = file.RelativePath }));
            if (batch.Sum(d => d.Chunks.Count) >= options.Value.EmbeddingBatchSize * 2)
            {
                await WriteAsync(collection, batch, report, cancellationToken);
            }
        }
        await WriteAsync(collection, batch, report, cancellationToken);

        var gone = known.Keys.Where(uri => !seen.Contains(uri)).ToList();
        report.Deleted = await db.Documents
            .Where(d => d.CollectionId == collection.Id && gone.Contains(d.SourceUri))
            .ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Ingested {Source} into {Collection}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Deleted} deleted, {Skipped} skipped",
            source, collection.Name, report.Added, report.Updated, report.Unchanged, report.Deleted, report.Skipped.Count);
        return report;
    }

    /// <summary>Writes one document that did not come from a file (a lesson), replacing any earlier one of that URI.</summary>
    public async Task WriteDocumentAsync(Collection collection, PreparedDocument document, CancellationToken cancellationToken) =>
        await WriteAsync(collection, [document], new IngestionReport(), cancellationToken);

    private async Task WriteAsync(Collection collection, List<PreparedDocument> batch, IngestionReport report, CancellationToken cancellationToken)
    {
        var inputs = batch.SelectMany(d => d.Chunks).Select(PreparedDocument.EmbeddingInput).ToList();
        var embeddings = new List<Vector>(inputs.Count);
        var generator = generators.For(collection);
        foreach (var slice in inputs.Chunk(options.Value.EmbeddingBatchSize))
        {
            var generated = await generator.GenerateAsync(slice, cancellationToken: cancellationToken);
            foreach (var embedding in generated)
            {
                if (embedding.Vector.Length != collection.Dimension)
                    throw new KnowledgeException(Grpc.Core.StatusCode.FailedPrecondition,
                        $"collection '{collection.Name}' holds {collection.Dimension}-dimensional embeddings but its model returned {embedding.Vector.Length}");
                embeddings.Add(new Vector(embedding.Vector));
            }
        }

        var offset = 0;
        foreach (var document in batch)
        {
            await writer.WriteAsync(collection, document, embeddings.GetRange(offset, document.Chunks.Count), cancellationToken);
            offset += document.Chunks.Count;
            if (document.Replaces) report.Updated++;
            else report.Added++;
            report.ChunksWritten += document.Chunks.Count;
        }
        batch.Clear();
    }
}
