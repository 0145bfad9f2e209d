using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Ingestion;
using Gryphgen.Symorg.Retrieval;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.Benchmarks;

/// <summary>
/// Retrieval quality on text nobody here wrote: the functions of the Python standard library installed on the
/// machine (python_functions.py picks them), each function's docstring the query and its code without the docstring
/// the one right answer. The functions go through SYMORG's real ingestion (chunking, MiniLM embeddings, COPY); each
/// query is searched by vector, full text and hybrid; recall@10 and MRR@10 count the answer's first chunk.
/// </summary>
public static class SymorgRetrievalQualityBenchmark
{
    private const int K = 10;

    public static Command Create()
    {
        var functions = new Option<int>("--functions") { DefaultValueFactory = _ => 500, Description = "How many functions to sample" }.AtLeast(1);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var command = new Command("symorg-stdlib", "SYMORG: recall@10 and MRR of vector, full-text and hybrid search on the Python stdlib")
            { functions, seed };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(functions), parse.GetValue(seed), ct));
        return command;
    }

    internal sealed record Function(string Module, string Name, string Doc, string Code);

    private static async Task RunAsync(int count, int seed, CancellationToken ct)
    {
        var (total, functions) = await SampleAsync(count, seed, ct);
        var folder = Directory.CreateTempSubdirectory("symorg-stdlib-");
        try
        {
            for (var i = 0; i < functions.Count; i++) await File.WriteAllTextAsync(Path.Combine(folder.FullName, FileName(i, functions[i])), functions[i].Code, ct);

            await using var store = await SymorgStore.StartAsync();
            await using var scope = store.Services.CreateAsyncScope();
            var collection = await scope.ServiceProvider.GetRequiredService<CollectionRegistry>().GetOrCreateAsync("stdlib", ct);
            var ingest = Stopwatch.StartNew();
            var report = await scope.ServiceProvider.GetRequiredService<KnowledgeIngestor>().IngestAsync(collection, "stdlib", folder.FullName, ct);
            ingest.Stop();

            var search = scope.ServiceProvider.GetRequiredService<HybridSearch>();
            Console.WriteLine($"{functions.Count} of {total} documented stdlib functions (Python {await PythonVersionAsync(ct)}, seed {seed}); " +
                $"ingested {report.Added} documents as {report.ChunksWritten} chunks in {ingest.Elapsed.TotalSeconds:0} s, embedding included");
            Console.WriteLine();
            Console.WriteLine("| mode | recall@10 | MRR@10 |");
            Console.WriteLine("|---|---|---|");
            foreach (var mode in new[] { RetrievalMode.Vector, RetrievalMode.FullText, RetrievalMode.Hybrid })
            {
                double found = 0, reciprocal = 0;
                for (var i = 0; i < functions.Count; i++)
                {
                    var hits = await search.SearchAsync(collection, functions[i].Doc, mode, SearchFilter.None, K, ct);
                    var answer = $"stdlib/{FileName(i, functions[i])}";
                    var rank = hits.Select(h => h.SourceUri).Distinct().ToList().IndexOf(answer) + 1;
                    if (rank == 0) continue;
                    found++;
                    reciprocal += 1.0 / rank;
                }
                Console.WriteLine($"| {mode} | {found / functions.Count:0.000} | {reciprocal / functions.Count:0.000} |");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string FileName(int index, Function function) => $"{index:D5}_{function.Name}.py";

    /// <summary><paramref name="count"/> documented functions of the machine's Python standard library, shuffled by <paramref name="seed"/>.</summary>
    internal static async Task<(int Total, List<Function> Functions)> SampleAsync(int count, int seed, CancellationToken ct)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "python_functions.py");
        var output = await RunPythonAsync([script, count.ToString(), seed.ToString()], ct);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var total = JsonDocument.Parse(lines[0]).RootElement.GetProperty("total").GetInt32();
        return (total, lines.Skip(1).Select(l => JsonSerializer.Deserialize<Function>(l, options)!).ToList());
    }

    private static async Task<string> PythonVersionAsync(CancellationToken ct) => (await RunPythonAsync(["--version"], ct)).Replace("Python ", "").Trim();

    private static async Task<string> RunPythonAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        // Debian's interpreter, whose standard library is the one installed with the system.
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", arguments) { RedirectStandardOutput = true })!;
        var output = await python.StandardOutput.ReadToEndAsync(ct);
        await python.WaitForExitAsync(ct);
        if (python.ExitCode != 0) throw new InvalidOperationException($"python3 {string.Join(' ', arguments)} exited with {python.ExitCode}");
        return output;
    }
}
