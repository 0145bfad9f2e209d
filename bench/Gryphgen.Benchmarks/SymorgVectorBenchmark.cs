using System.CommandLine;
using System.Diagnostics;
using Gryphgen.Symorg.Chunking;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Ingestion;
using Gryphgen.Symorg.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pgvector;

namespace Gryphgen.Benchmarks;

/// <summary>
/// SYMORG's store at scale: N chunks with 384-dimensional embeddings clustered around 1,000 centres, written by
/// the ingestion's own COPY writer; then the collection's HNSW index is built, and queries near the data are timed
/// and checked against exact search at two ef_search settings.
/// </summary>
public static class SymorgVectorBenchmark
{
    private const int Dimension = 384, Centres = 1000, K = 10;

    public static Command Create()
    {
        var chunks = new Option<int>("--chunks") { DefaultValueFactory = _ => 100_000 }.AtLeast(1);
        var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 200 }.AtLeast(1);
        var command = new Command("symorg-vectors", "SYMORG: bulk write rate, HNSW build time, query latency and recall@10") { chunks, queries };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(chunks), parse.GetValue(queries), ct));
        return command;
    }

    private static async Task RunAsync(int count, int queryCount, CancellationToken ct)
    {
        await using var store = await SymorgStore.StartAsync();
        await using var scope = store.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var random = new Random(42);
        var centres = Enumerable.Range(0, Centres).Select(_ => Gaussian(random, 1.0f)).ToArray();
        Vector Near(float[] centre) => new(Normalised(centre.Zip(Gaussian(random, 0.35f), (c, n) => c + n).ToArray()));

        // The index comes after the rows, as for any bulk load: an HNSW index maintained row by row is far slower.
        var collection = new Collection { Name = "bench", EmbeddingModel = "synthetic", Dimension = Dimension, CreatedAt = DateTimeOffset.UtcNow };
        db.Collections.Add(collection);
        await db.SaveChangesAsync(ct);
        var rows = Enumerable.Range(0, count).Select(i => new TextChunk($"bench/doc{i / 1000}.txt", $"chunk {i} of the benchmark corpus", i + 1, i + 1)).ToList();
        var vectors = Enumerable.Range(0, count).Select(i => Near(centres[i % Centres])).ToList();

        var writer = scope.ServiceProvider.GetRequiredService<DocumentWriter>();
        var write = Stopwatch.StartNew();
        for (var doc = 0; doc < count / 1000; doc++)
        {
            var slice = rows.GetRange(doc * 1000, 1000);
            await writer.WriteAsync(collection, new PreparedDocument($"bench/doc{doc}.txt", $"{doc}", "text", false, slice, new Dictionary<string, string>()),
                vectors.GetRange(doc * 1000, 1000), ct);
        }
        write.Stop();

        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET maintenance_work_mem = '1GB'", ct);
        var build = Stopwatch.StartNew();
        await CollectionVectorIndex.CreateAsync(db, collection, ct);
        build.Stop();
        await db.Database.ExecuteSqlRawAsync("ANALYZE chunks; ANALYZE documents", ct);

        var queries = Enumerable.Range(0, queryCount).Select(_ => Near(centres[random.Next(Centres)])).ToList();
        var sql = HybridSearch.ByMeaningSql(collection, SearchFilter.None, K);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await Execute(connection, "SET enable_indexscan = off", ct);
        var exact = new List<HashSet<long>>();
        foreach (var q in queries) exact.Add([.. (await Query(connection, sql, q, ct)).Ids]);
        await Execute(connection, "SET enable_indexscan = on", ct);

        Console.WriteLine($"| chunks | write rate (COPY, excl. embedding) | HNSW build (m=16, ef_construction=64) |");
        Console.WriteLine($"|---|---|---|");
        Console.WriteLine($"| {count:N0} | {count / write.Elapsed.TotalSeconds:N0} chunks/s ({write.Elapsed.TotalSeconds:0.0} s) | {build.Elapsed.TotalSeconds:0.0} s |");
        Console.WriteLine();
        Console.WriteLine("| ef_search | recall@10 vs exact | p50 | p99 |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var ef in new[] { 40, 100 })
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
            Console.WriteLine($"| {ef} | {found / (double)(queries.Count * K):0.000} | {Percentiles.Of(latencies, 50):0.00} ms | {Percentiles.Of(latencies, 99):0.00} ms |");
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
