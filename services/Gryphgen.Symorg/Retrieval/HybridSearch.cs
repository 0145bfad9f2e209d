using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Embeddings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector;

namespace Gryphgen.Symorg.Retrieval;

/// <summary>
/// Searches one collection by meaning (HNSW over the collection's partial index), by words (the generated
/// <c>tsvector</c> and its GIN index), or both fused with reciprocal rank fusion.
/// </summary>
public sealed class HybridSearch(KnowledgeDbContext db, EmbeddingGenerators generators, IOptions<SymorgOptions> options)
{
    private const string Columns = "c.id, d.source_uri, d.language, c.header, c.text, c.start_line, c.end_line";

    public async Task<IReadOnlyList<SearchHitRow>> SearchAsync(Collection collection, string query, RetrievalMode mode,
        SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        // Each list brings more candidates than asked for, so that fusion has something to agree on.
        var candidates = Math.Max(limit * 3, 30);
        var lists = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            // One transaction, so that SET LOCAL tunes this search's index scans and nothing else's.
            var found = new List<IReadOnlyList<SearchHitRow>>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (mode != RetrievalMode.FullText) found.Add(await ByMeaningAsync(collection, query, filter, candidates, ct));
            if (mode != RetrievalMode.Vector) found.Add(await ByWordsAsync(collection, query, filter, candidates, ct));
            await transaction.CommitAsync(ct);
            return found;
        }, cancellationToken);
        return mode == RetrievalMode.Hybrid ? ReciprocalRankFusion.Fuse(lists, limit) : lists[0].Take(limit).ToList();
    }

    private async Task<IReadOnlyList<SearchHitRow>> ByMeaningAsync(Collection collection, string query, SearchFilter filter,
        int limit, CancellationToken cancellationToken)
    {
        var embedding = await generators.For(collection).GenerateAsync([query], cancellationToken: cancellationToken);
        // Iterative scans keep going through the index until enough rows pass the filters (pgvector 0.8).
        await ExecuteAsync($"SET LOCAL hnsw.ef_search = {options.Value.EfSearch}; SET LOCAL hnsw.iterative_scan = strict_order", [], cancellationToken);
        return await ReadAsync(ByMeaningSql(collection, filter, limit),
            [new NpgsqlParameter("query", new Vector(embedding[0].Vector)), .. Parameters(filter)], collection, cancellationToken);
    }

    /// <summary>The nearest chunks by cosine distance, ordered by the expression the collection's HNSW index serves.</summary>
    public static string ByMeaningSql(Collection collection, SearchFilter filter, int limit)
    {
        var distance = CollectionVectorIndex.DistanceExpression(collection);
        return $"SELECT {Columns}, 1 - ({distance}) FROM {KnowledgeDbContext.Schema}.chunks c JOIN {KnowledgeDbContext.Schema}.documents d ON d.id = c.document_id " +
            $"WHERE {Where(collection, filter)} ORDER BY {distance} LIMIT {limit}";
    }

    private Task<IReadOnlyList<SearchHitRow>> ByWordsAsync(Collection collection, string query, SearchFilter filter,
        int limit, CancellationToken cancellationToken) =>
        // Any of the query's words may match (OR), ranked by cover density: a question in prose rarely has every word
        // in the code it is about, and an exact identifier still ranks its own chunk first.
        ReadAsync(
            $"SELECT {Columns}, ts_rank_cd(c.search_vector, q.query, 1)::float8 AS rank FROM {KnowledgeDbContext.Schema}.chunks c JOIN {KnowledgeDbContext.Schema}.documents d ON d.id = c.document_id, " +
            $"(SELECT (SELECT string_agg(quote_literal(lexeme), ' | ') FROM unnest(to_tsvector('{KnowledgeDbContext.TextSearchConfig}', @text)))::tsquery AS query) q " +
            $"WHERE {Where(collection, filter)} AND c.search_vector @@ q.query ORDER BY rank DESC, c.id LIMIT {limit}",
            [new NpgsqlParameter("text", query), .. Parameters(filter)], collection, cancellationToken);

    /// <summary>The collection id is inlined, not a parameter: the planner must see it to choose the partial index.</summary>
    private static string Where(Collection collection, SearchFilter filter) =>
        $"c.collection_id = {collection.Id}" +
        (filter.Language is null ? "" : " AND d.language = @language") +
        (filter.PathPrefix is null ? "" : " AND starts_with(d.source_uri, @prefix)");

    private static IEnumerable<NpgsqlParameter> Parameters(SearchFilter filter)
    {
        if (filter.Language is not null) yield return new NpgsqlParameter("language", filter.Language);
        if (filter.PathPrefix is not null) yield return new NpgsqlParameter("prefix", filter.PathPrefix);
    }

    private async Task<IReadOnlyList<SearchHitRow>> ReadAsync(string sql, IEnumerable<NpgsqlParameter> parameters,
        Collection collection, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<SearchHitRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new SearchHitRow(reader.GetInt64(0), collection.Name, reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetDouble(7)));
        }
        return hits;
    }

    private async Task ExecuteAsync(string sql, IEnumerable<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(string sql, IEnumerable<NpgsqlParameter> parameters)
    {
        var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        command.Parameters.AddRange(parameters.ToArray());
        return command;
    }
}
