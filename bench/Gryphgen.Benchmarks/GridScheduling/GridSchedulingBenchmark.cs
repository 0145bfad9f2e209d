using System.CommandLine;
using Gryphgen.Contracts.Llm;
using Gryphgen.Symorq.Grid;

namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>
/// GRYPHGEN's scheduler against a central first-come queue and round-robin, least-busy, throughput-weighted and
/// random routing on a simulated heterogeneous grid (one fast endpoint with 8 slots, two slow ones with 2, one of
/// them failing 5% of requests before the first byte; each slot slower the more of them generate) under the same
/// bursty, mixed-priority workload, in virtual time: makespan against the fluid lower bound, wait per priority, and
/// fail-overs.
/// </summary>
public static class GridSchedulingBenchmark
{
    private static readonly SimulatedEndpoint[] Grid =
    [
        new("fast", Slots: 8, TokensPerSecond: 40, TimeToFirstTokenSeconds: 0.1),
        new("slow-a", Slots: 2, TokensPerSecond: 10, TimeToFirstTokenSeconds: 0.4),
        new("slow-b", Slots: 2, TokensPerSecond: 10, TimeToFirstTokenSeconds: 0.4, FailureRate: 0.05),
    ];

    private static readonly (string Name, int Priority, double Share)[] Priorities =
        [("high", GridPriority.High, 0.2), ("normal", GridPriority.Normal, 0.5), ("low", GridPriority.Low, 0.3)];

    private static readonly (int MaxTokens, double Share)[] Lengths = [(64, 0.25), (128, 0.25), (256, 0.25), (512, 0.15), (1024, 0.10)];

    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "requests in the workload", DefaultValueFactory = _ => 3000 };
        var seed = new Option<int>("--seed") { Description = "seed of the workload, the failures and the random router", DefaultValueFactory = _ => 1 };
        // 0.1: 8 slots generating together each get 1/1.7 of one alone, 4.7× one slot's tokens in all; 0 is no slowdown.
        var contention = new Option<double[]>("--contention")
        {
            Description = "slowdown of each slot per other slot generating (one table each)", DefaultValueFactory = _ => [0.1, 0], AllowMultipleArgumentsPerToken = true,
        }.EachAtLeast(0);
        var command = new Command("grid-scheduling", "SYMORQ: the grid scheduler against a central FIFO and four routers on a simulated grid")
        {
            requests, seed, contention,
        };
        command.SetAction(parse =>
        {
            foreach (var c in parse.GetValue(contention)!) Run(parse.GetValue(requests), parse.GetValue(seed), c);
        });
        return command;
    }

    private static void Run(int count, int seed, double contention)
    {
        var grid = Grid.Select(e => e with { Contention = contention }).ToArray();
        var workload = Workload(count, new Random(seed));
        var capacity = grid.Sum(e => e.Capacity);
        var bound = FluidLowerBound(workload, capacity);
        Console.WriteLine($"{count} requests in bursts over {workload[^1].Arrival:0} s, {workload.Sum(r => r.Tokens)} tokens; " +
            $"grid: {string.Join(", ", grid.Select(e => $"{e.Name} {e.Slots} slots × {e.TokensPerSecond} tok/s alone, {e.Capacity:0} tok/s all busy" + (e.FailureRate > 0 ? $", {e.FailureRate:P0} failing" : "")))}; " +
            $"contention {contention}; fluid lower bound {bound:0} s");
        Console.WriteLine();
        Console.WriteLine("| policy | makespan s | vs bound | high p50 / p95 | normal p50 / p95 | low p50 / p95 | failed over |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");

        IEnumerable<Func<VirtualTime, IGridPolicy>> policies =
        [
            time => new GridSchedulerPolicy(grid, maxQueuedRequests: count, time),
            _ => new CentralFifoPolicy(grid),
            _ => RoutingPolicy.ThroughputWeighted(grid),
            _ => RoutingPolicy.LeastBusy(grid),
            _ => RoutingPolicy.RoundRobin(grid),
            _ => RoutingPolicy.Random(grid, seed),
        ];
        foreach (var create in policies)
        {
            var time = new VirtualTime();
            var policy = create(time);
            var outcomes = Simulate(workload, policy, time, new Random(seed));
            var makespan = outcomes.Max(o => o.Finished) - workload[0].Arrival;
            var waits = string.Join(" | ", Priorities.Select(p =>
            {
                var waited = outcomes.Where(o => o.Request.Priority == p.Priority).Select(o => o.Waited).ToList();
                return $"{Percentiles.Of(waited, 50):0} / {Percentiles.Of(waited, 95):0}";
            }));
            Console.WriteLine($"| {policy.Name} | {makespan:0} | {makespan / bound - 1:+0.0%;-0.0%} | {waits} | {outcomes.Count(o => o.FailedOver) / (double)count:P1} |");
        }
        Console.WriteLine();
        Console.WriteLine($"waits in virtual seconds, from arrival to the slot the request completed on; a waiting request gains a priority level after {new GridOptions().AgingPerPriorityLevel.TotalSeconds:0} s and another each time its wait doubles");
    }

    /// <summary>What became of one request.</summary>
    private sealed class Outcome(SimulatedRequest request)
    {
        public SimulatedRequest Request => request;
        public double Waited { get; set; }
        public double Finished { get; set; }
        public bool FailedOver { get; set; }
    }

    private static List<Outcome> Simulate(IReadOnlyList<SimulatedRequest> workload, IGridPolicy policy, VirtualTime time, Random failures)
    {
        var outcomes = workload.Select(r => new Outcome(r)).ToList();
        var served = new List<Task>();
        var batches = new Dictionary<SimulatedEndpoint, BatchedGeneration>();
        BatchedGeneration Batch(SimulatedEndpoint endpoint) =>
            batches.TryGetValue(endpoint, out var batch) ? batch : batches[endpoint] = new BatchedGeneration(endpoint, time);
        foreach (var outcome in outcomes) time.At(outcome.Request.Arrival, () => served.Add(ServeAsync(outcome, policy, time, failures, Batch)));
        time.Run();
        var unfinished = served.Count(t => !t.IsCompletedSuccessfully);
        if (unfinished > 0)
            throw new InvalidOperationException($"{policy.Name}: {unfinished} requests did not complete", served.FirstOrDefault(t => t.IsFaulted)?.Exception);
        return outcomes;
    }

    /// <summary>One request's life, as the gateway's forwarder lives it: a slot, then the answer or a fail-over.</summary>
    private static async Task ServeAsync(Outcome outcome, IGridPolicy policy, VirtualTime time, Random failures,
        Func<SimulatedEndpoint, BatchedGeneration> batch)
    {
        var request = outcome.Request;
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            using var slot = await policy.AcquireAsync(request, excluded);
            var endpoint = slot.Endpoint;
            if (failures.NextDouble() < endpoint.FailureRate)
            {
                await time.Delay(endpoint.TimeToFirstTokenSeconds); // a 5xx after the prompt, before the first byte
                slot.Failed();
                excluded.Add(endpoint.Name);
                outcome.FailedOver = true;
                continue;
            }
            outcome.Waited = time.Now - request.Arrival;
            var start = time.Now;
            await time.Delay(endpoint.TimeToFirstTokenSeconds);
            await batch(endpoint).GenerateAsync(request.Tokens);
            slot.Succeeded(endpoint.TimeToFirstTokenSeconds, time.Now - start, request.Tokens);
            outcome.Finished = time.Now;
            return;
        }
    }

    /// <summary>
    /// Bursts of 60 to 180 requests within 3 s, one every 30 s, until <paramref name="count"/>: far more work than the
    /// grid does in that time, so it saturates. Priorities, max_tokens and the share of it really generated are random.
    /// </summary>
    private static List<SimulatedRequest> Workload(int count, Random random)
    {
        var requests = new List<SimulatedRequest>(count);
        for (var burst = 0; requests.Count < count; burst++)
        {
            var size = Math.Min(random.Next(60, 181), count - requests.Count);
            for (var i = 0; i < size; i++)
            {
                var maxTokens = Pick(Lengths, l => l.Share, random).MaxTokens;
                requests.Add(new SimulatedRequest(requests.Count, burst * 30 + random.NextDouble() * 3, Pick(Priorities, p => p.Share, random).Priority,
                    maxTokens, PromptTokens: random.Next(50, 1000), Tokens: (int)Math.Ceiling(maxTokens * (0.5 + 0.5 * random.NextDouble()))));
            }
        }
        return [.. requests.OrderBy(r => r.Arrival)];
    }

    private static T Pick<T>(IReadOnlyList<T> choices, Func<T, double> share, Random random)
    {
        var roll = random.NextDouble();
        foreach (var choice in choices)
        {
            if ((roll -= share(choice)) < 0) return choice;
        }
        return choices[^1];
    }

    /// <summary>
    /// No schedule finishes sooner than this: from any arrival on, the work still to arrive needs at least its tokens
    /// divided by the grid's total capacity, as if work could be split across every slot at once.
    /// </summary>
    private static double FluidLowerBound(IReadOnlyList<SimulatedRequest> workload, double capacity)
    {
        var bound = 0.0;
        var remaining = 0.0;
        for (var i = workload.Count - 1; i >= 0; i--)
        {
            remaining += workload[i].Tokens;
            bound = Math.Max(bound, workload[i].Arrival + remaining / capacity);
        }
        return bound - workload[0].Arrival;
    }
}
