using Xunit.Abstractions;

namespace Gryphgen.Chaos.Tests;

/// <summary>
/// The chaos suite: for each fault, every task ends with the right outcome (all of these tasks can succeed, so all
/// must), none is lost, no effect is applied twice, and the system is healthy afterwards without a manual step.
/// The moment of each fault is random; the seed is printed, and <c>GRYPHGEN_CHAOS_SEED</c> replays it.
/// <c>GRYPHGEN_CHAOS_REPORT</c> names a file each fault's row is appended to (docs/reliability.md's table).
/// </summary>
public sealed class FaultTests(ChaosSystem system, ITestOutputHelper output) : IClassFixture<ChaosSystem>
{
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("GRYPHGEN_CHAOS_SEED"), out var seed) ? seed : Random.Shared.Next();
    private static readonly Random Moments = new(Seed);

    public static TheoryData<string> Faults => [.. Fault.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Every_task_ends_right_with_nothing_lost_or_done_twice(string name)
    {
        var fault = Fault.All.Single(f => f.Name == name);
        var run = new ChaosRun(system);
        output.WriteLine($"seed {Seed}");

        var outcome = await run.RunAsync(fault, Moments);
        var unhealthy = await run.UnhealthyAfterAsync(TimeSpan.FromMinutes(1));
        output.WriteLine(outcome.Row);
        if (Environment.GetEnvironmentVariable("GRYPHGEN_CHAOS_REPORT") is { Length: > 0 } report) await File.AppendAllTextAsync(report, outcome.Row + "\n");

        Assert.True(outcome.RunningAtFault > 0, $"the fault came after every task had ended:\n{outcome.Details}");
        Assert.True(outcome.Lost == 0, $"{outcome.Lost} task(s) lost:\n{outcome.Details}");
        Assert.True(outcome.Failed.Count == 0, $"failed: {string.Join("; ", outcome.Failed)}\n{outcome.Details}");
        Assert.Equal(0, outcome.DuplicatedEffects);
        Assert.True(outcome.LessonsLost == 0, $"{outcome.LessonsLost} lesson(s) not stored:\n{outcome.Details}");
        Assert.Empty(unhealthy);
    }
}
