using System.CommandLine;
using System.Diagnostics;
using Gryphgen.Symorg.Chunking;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Embeddings;
using Gryphgen.Symorg.Ingestion;
using Gryphgen.Symorg.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pgvector;

namespace Gryphgen.Benchmarks;

/// <summary>
/// SYMORG's store at scale, in both orders side by side in one run: N chunks with 384-dimensional embeddings
/// clustered around 1,000 centres written by the ingestion's own COPY writer into a collection created as SYMORG
/// creates one (its HNSW index first, so every row goes into the graph: what every real ingestion does), and the
/// same rows into a collection whose index is built after them (a bulk load). Queries near the data are timed and
/// checked against exact search at two ef_search settings; then the same for real text, stdlib docstrings
/// embedded with the MiniLM model SYMORG embeds with, written in the production order.
/// </summary>
public static class SymorgVectorBenchmark
{
    private const int Dimension = MiniLmEmbeddingGenerator.Dimension, Centres = 1000, K = 10, PerDocument = 1000;
    private static readonly int[] EfSearch = [40, 100];

    public static Command Create()
    {
        var chunks = new Option<int>("--chunks") { DefaultValueFactory = _ => 100_000 }.AtLeast(1);
        var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 200 }.AtLeast(1);
        var texts = new Option<int>("--real-texts") { Description = "stdlib docstrings embedded with MiniLM and stored (0 skips the real-text part)", DefaultValueFactory = _ => 2000 }.AtLeast(0);
        var command = new Command("symorg-vectors", "SYMORG: write rate into an indexed collection and with the index built after, query latency and recall@10") { chunks, queries, texts };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(chunks), parse.GetValue(queries), parse.GetValue(texts), ct));
        return command;
    }

    private static async Task RunAsync(int count, int queryCount, int textCount, CancellationToken ct)
    {
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        await using var store = await SymorgStore.StartAsync();
        await using var scope = store.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var registry = scope.ServiceProvider.GetRequiredService<CollectionRegistry>();
        var writer = scope.ServiceProvider.GetRequiredService<DocumentWriter>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        var random = new Random(42);
        var centres = Enumerable.Range(0, Centres).Select(_ => Gaussian(random, 1.0f)).ToArray();
        Vector Near(float[] centre) => new(Normalised(centre.Zip(Gaussian(random, 0.35f), (c, n) => c + n).ToArray()));
        var vectors = Enumerable.Range(0, count).Select(i => Near(centres[i % Centres])).ToList();
        var queries = Enumerable.Range(0, queryCount).Select(_ => Near(centres[random.Next(Centres)])).ToList();

        // As SYMORG creates every collection: the row and its HNSW index in one transaction, before any chunk.
        var production = await registry.CreateAsync("indexed-first", endpoint: null, model: null, ct);
        var intoIndex = await WriteAsync(writer, production, vectors, ct);

        var bulk = new Collection { Name = "index-after", EmbeddingModel = "synthetic", Dimension = Dimension, CreatedAt = DateTimeOffset.UtcNow };
        db.Collections.Add(bulk);
        await db.SaveChangesAsync(ct);
        var beforeIndex = await WriteAsync(writer, bulk, vectors, ct);
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET maintenance_work_mem = '1GB'", ct);
        var build = Stopwatch.StartNew();
        await CollectionVectorIndex.CreateAsync(db, bulk, ct);
        build.Stop();
        await db.Database.ExecuteSqlRawAsync("ANALYZE symorg.chunks; ANALYZE symorg.documents", ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        Console.WriteLine();
        Console.WriteLine($"{count:N0} synthetic chunks (384 dimensions, clustered around {Centres:N0} centres), written by SYMORG's COPY writer, {PerDocument:N0} per document; HNSW m=16, ef_construction=64");
        Console.WriteLine();
        Console.WriteLine("| order | write (COPY, excl. embedding) | index build | ready to search |");
        Console.WriteLine("|---|---|---:|---:|");
        Console.WriteLine($"| index first, as SYMORG creates a collection | {Rate(count, intoIndex)} | (at creation) | {intoIndex.TotalSeconds:0.0} s |");
        Console.WriteLine($"| index built after the rows (bulk load) | {Rate(count, beforeIndex)} | {build.Elapsed.TotalSeconds:0.0} s (maintenance_work_mem 1 GB) | {(beforeIndex + build.Elapsed).TotalSeconds:0.0} s |");
        Console.WriteLine();
        Console.WriteLine("| order | ef_search | recall@10 vs exact | p50 | p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        await PrintSearchAsync(connection, "index first", production, queries, ct);
        await PrintSearchAsync(connection, "index after", bulk, queries, ct);

        if (textCount > 0) await RealTextAsync(scope.ServiceProvider, connection, textCount, queryCount, ct);
        Console.WriteLine();
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>
    /// Docstrings of the machine's Python standard library, embedded with SYMORG's MiniLM, into a collection made by
    /// <see cref="CollectionRegistry"/> (index first); the queries are other docstrings, embedded the same way.
    /// </summary>
    private static async Task RealTextAsync(IServiceProvider services, NpgsqlConnection connection, int textCount, int queryCount, CancellationToken ct)
    {
        var (total, functions) = await SymorgRetrievalQualityBenchmark.SampleAsync(textCount + queryCount, seed: 1, ct);
        var texts = functions.Select(f => f.Doc).ToList();
        var embedder = services.GetRequiredService<MiniLmEmbeddingGenerator>();
        var embedding = Stopwatch.StartNew();
        var embedded = new List<Vector>();
        foreach (var batch in texts.Chunk(32))
            embedded.AddRange((await embedder.GenerateAsync(batch, cancellationToken: ct)).Select(e => new Vector(e.Vector)));
        embedding.Stop();
        var stored = embedded.Take(Math.Min(textCount, embedded.Count - 1)).ToList(); // at least one left as a query
        var queries = embedded.Skip(stored.Count).Take(queryCount).ToList();

        var collection = await services.GetRequiredService<CollectionRegistry>().CreateAsync("stdlib-docstrings", endpoint: null, model: null, ct);
        var write = await WriteAsync(services.GetRequiredService<DocumentWriter>(), collection, stored, ct);
        await using (var analyze = new NpgsqlCommand("ANALYZE symorg.chunks", connection)) await analyze.ExecuteNonQueryAsync(ct);

        Console.WriteLine();
        Console.WriteLine($"Real text: {stored.Count:N0} docstrings of the {total:N0} documented functions in the Python stdlib, {queries.Count} more as queries, " +
            $"embedded with {MiniLmEmbeddingGenerator.ModelId} ({texts.Count / embedding.Elapsed.TotalSeconds:0} texts/s, {embedding.Elapsed.TotalSeconds:0} s), written index first ({Rate(stored.Count, write)})");
        Console.WriteLine();
        Console.WriteLine("| data | ef_search | recall@10 vs exact | p50 | p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        await PrintSearchAsync(connection, "stdlib docstrings, MiniLM", collection, queries, ct);
    }

    private static async Task<TimeSpan> WriteAsync(DocumentWriter writer, Collection collection, IReadOnlyList<Vector> vectors, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        for (var doc = 0; doc * PerDocument < vectors.Count; doc++)
        {
            var size = Math.Min(PerDocument, vectors.Count - doc * PerDocument);
            var rows = Enumerable.Range(doc * PerDocument, size).Select(i => new TextChunk($"bench/doc{doc}.txt", $"chunk {i} of the benchmark corpus", i + 1, i + 1)).ToList();
            await writer.WriteAsync(collection, new PreparedDocument($"bench/doc{doc}.txt", $"{doc}", "text", false, rows, new Dictionary<string, string>()),
                [.. vectors.Skip(doc * PerDocument).Take(size)], ct);
        }
        return clock.Elapsed;
    }

    private static string Rate(int count, TimeSpan elapsed) => $"{count / elapsed.TotalSeconds:N0} chunks/s ({elapsed.TotalSeconds:0.0} s)";

    /// <summary>Recall against exact search (index scans off) and latency, through the SQL SYMORG's vector search runs.</summary>
    private static async Task PrintSearchAsync(NpgsqlConnection connection, string label, Collection collection, IReadOnlyList<Vector> queries, CancellationToken ct)
    {
        var sql = HybridSearch.ByMeaningSql(collection, SearchFilter.None, K);
        await Execute(connection, "SET enable_indexscan = off", ct);
        var exact = new List<HashSet<long>>();
        foreach (var q in queries) exact.Add([.. (await Query(connection, sql, q, ct)).Ids]);
        await Execute(connection, "SET enable_indexscan = on", ct);
        foreach (var ef in EfSearch)
        {
            await Execute(connection, $"SET hnsw.ef_search = {ef}", ct);
            foreach (var q in queries.Take(20)) await Query(connection, sql, q, ct); // warm the index into memory
            var latencies = new List<double>();
            var found = 0;
            for (var i = 0; i < queries.Count; i++)
            {
                var (ids, ms) = await Query(connection, sql, queries[i], ct);
                latencies.Add(ms);
                found += ids.Count(exact[i].Contains);
            }
            var expected = exact.Sum(e => e.Count);
            Console.WriteLine($"| {label} | {ef} | {found / (double)expected:0.000} | {Percentiles.Of(latencies, 50):0.00} ms | {Percentiles.Of(latencies, 99):0.00} ms |");
        }
    }

    private static async Task<(List<long> Ids, double Ms)> Query(NpgsqlConnection connection, string sql, Vector query, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("query", query);
        var ids = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        }
        return (ids, watch.Elapsed.TotalMilliseconds);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static float[] Gaussian(Random random, float sigma) =>
        // Box-Muller: a standard normal from two uniforms.
        Enumerable.Range(0, Dimension)
            .Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * sigma))
            .ToArray();

    private static float[] Normalised(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
