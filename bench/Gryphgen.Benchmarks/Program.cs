using System.CommandLine;
using Gryphgen.Benchmarks;

// Run with: dotnet run -c Release --project bench/Gryphgen.Benchmarks -- <benchmark> [options]
var root = new RootCommand("GRYPHGEN benchmarks: each prints a Markdown table for docs/benchmarks.md");
foreach (var benchmark in Benchmarks.All) root.Subcommands.Add(benchmark);
return await root.Parse(args).InvokeAsync();
