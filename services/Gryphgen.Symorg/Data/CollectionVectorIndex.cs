using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorg.Data;

/// <summary>
/// Every collection fixes its own embedding dimension, so <c>chunks.embedding</c> is a plain <c>vector</c> and each
/// collection gets its own HNSW index: a partial expression index on <c>embedding::vector(N)</c> over that
/// collection's rows. A query uses it when it orders by the same expression and filters on the same collection
/// (<see cref="DistanceExpression"/>), which also keeps a collection's search from wading through another's rows.
/// </summary>
public static class CollectionVectorIndex
{
    public static string Name(Collection collection) => $"ix_chunks_embedding_c{collection.Id}";

    /// <summary>The cosine distance expression the index serves; <c>@query</c> is the query vector.</summary>
    public static string DistanceExpression(Collection collection) =>
        $"(c.embedding::vector({collection.Dimension})) <=> @query::vector({collection.Dimension})";

    public static Task CreateAsync(KnowledgeDbContext db, Collection collection, CancellationToken cancellationToken)
    {
        // Id and dimension are integers from the database, never user text; DDL cannot take parameters.
        var ddl = $"CREATE INDEX IF NOT EXISTS {Name(collection)} ON {KnowledgeDbContext.Schema}.chunks USING hnsw " +
            $"((embedding::vector({collection.Dimension})) vector_cosine_ops) WITH (m = 16, ef_construction = 64) " +
            $"WHERE collection_id = {collection.Id}";
        return db.Database.ExecuteSqlRawAsync(ddl, cancellationToken);
    }
}
