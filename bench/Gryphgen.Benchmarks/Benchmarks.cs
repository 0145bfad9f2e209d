using System.CommandLine;
using Gryphgen.Benchmarks.GridScheduling;

namespace Gryphgen.Benchmarks;

/// <summary>Every benchmark, one subcommand each; add yours here.</summary>
public static class Benchmarks
{
    public static IEnumerable<Command> All =>
        [
            SandboxOverheadBenchmark.Create(), SymorgVectorBenchmark.Create(), SymorgRetrievalQualityBenchmark.Create(),
            BrokerThroughputBenchmark.Create(), GatewayOverheadBenchmark.Create(), GridSchedulingBenchmark.Create(),
            MissionOverheadBenchmark.Create(), LoadRunBenchmark.Create(), FloorProxy.Create(), AuthOverheadBenchmark.Create(),
            ColdStartBenchmark.Create(),
        ];
}
