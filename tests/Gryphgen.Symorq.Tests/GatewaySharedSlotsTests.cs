using System.Diagnostics;
using System.Net;
using Gryphgen.Contracts;
using Gryphgen.Testing;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// Two SYMORQ replicas sharing one Redis and one PostgreSQL in front of one scripted endpoint with
/// <see cref="Slots"/> slots, which the tests hold so that what runs upstream can be counted exactly.
/// </summary>
public sealed class SharedSlotsGrid : IAsyncLifetime
{
    public const int Slots = 2;
    public const string Model = "shared";
    public RedisServerProcess Redis { get; private set; } = null!;
    public ScriptedLlmServer Upstream { get; private set; } = null!;
    public Dictionary<string, string> Settings { get; private set; } = null!;
    public ServiceProcess A { get; private set; } = null!;
    public ServiceProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        Upstream = await ScriptedLlmServer.StartAsync();
        Settings = await GridProcesses.Settings(Redis, ("upstream", Upstream.Url, "openai", [Model]));
        Settings["Gryphgen__Llm__Endpoints__0__Slots"] = Slots.ToString();
        Settings["Gryphgen__Llm__SharedSlotLeaseTime"] = "00:00:03";
        A = await GridProcesses.StartSymorqAsync(Settings);
        B = await GridProcesses.StartSymorqAsync(Settings);
    }

    /// <summary>Requests waiting for a slot in <paramref name="replica"/>'s scheduler.</summary>
    public static async Task<int> QueuedAsync(ServiceProcess replica)
    {
        using var channel = GridProcesses.OpenChannel(replica);
        return (await new Contracts.Grid.GridClient(channel).ListEndpointsAsync(new ListEndpointsRequest())).Queued;
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Upstream.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>Endpoint slots counted across replicas in Redis: never oversubscribed together, and freed when a replica dies.</summary>
public sealed class GatewaySharedSlotsTests(SharedSlotsGrid grid) : IClassFixture<SharedSlotsGrid>, IDisposable
{
    private const int Slots = SharedSlotsGrid.Slots;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly GatewayClient _a = new(grid.A.HttpUrl);
    private readonly GatewayClient _b = new(grid.B.HttpUrl);

    public void Dispose()
    {
        grid.Upstream.Release();
        _a.Dispose();
        _b.Dispose();
    }

    private static Task<HttpResponseMessage> Chat(GatewayClient gateway) =>
        gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(SharedSlotsGrid.Model, 4));

    private Task<int> ArrivedSince(int before) => Task.FromResult(grid.Upstream.Requests.Count - before);

    [Fact]
    public async Task Two_replicas_together_never_run_more_requests_on_an_endpoint_than_its_slots()
    {
        grid.Upstream.Hold();
        var requests = Enumerable.Range(0, 3 * Slots).Select(i => Chat(i % 2 == 0 ? _a : _b)).ToList();

        // Each round, once every request is finished, running upstream (held there) or waiting in a gateway, exactly
        // the endpoint's slots run: alone, each replica would run its own share up to all the slots.
        while (requests.Any(r => !r.IsCompleted))
        {
            var round = await Eventually.Get(async () => (
                    Done: requests.Count(r => r.IsCompleted),
                    Queued: await SharedSlotsGrid.QueuedAsync(grid.A) + await SharedSlotsGrid.QueuedAsync(grid.B),
                    Running: grid.Upstream.InFlight),
                s => s.Done + s.Queued + s.Running == requests.Count && s.Running >= Math.Min(Slots, requests.Count - s.Done),
                Within, "every request finished, running or queued, and the free slots taken");
            Assert.Equal(Math.Min(Slots, requests.Count - round.Done), round.Running);
            grid.Upstream.Release();
            grid.Upstream.Hold();
        }

        Assert.All(await Task.WhenAll(requests), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task A_replica_reuses_a_slot_it_has_freed_without_asking_Redis_and_gives_it_back_when_the_reuse_window_ends()
    {
        const int requests = 30;
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{grid.Redis.ConnectionString},allowAdmin=true");
        var server = redis.GetServer(grid.Redis.ConnectionString);
        var before = await ScriptCallsAsync(server);
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < requests; i++) Assert.Equal(HttpStatusCode.OK, (await Chat(_a)).StatusCode);

        // Claim, renewal and return are one script call each, at most once per reuse window (1 s) each; a claim and a
        // return per request would be two per request.
        var windows = (int)Math.Ceiling(clock.Elapsed.TotalSeconds);
        var calls = await ScriptCallsAsync(server) - before;
        Assert.True(calls <= 2 + 3 * windows, $"{calls} script calls to Redis for {requests} requests in {windows} s");
        await Eventually.Get(() => redis.GetDatabase().SortedSetLengthAsync("gryphgen:grid:slots:upstream"), n => n == 0,
            Within, "the idle slot given back to Redis after its reuse window");
    }

    private static async Task<long> ScriptCallsAsync(IServer server) => (await server.InfoAsync("commandstats"))
        .SelectMany(group => group)
        .Where(stat => stat.Key is "cmdstat_eval" or "cmdstat_evalsha")
        .Sum(stat => long.Parse(stat.Value.Split(',')[0]["calls=".Length..]));

    [Fact]
    public async Task The_slots_of_a_killed_replica_come_back_to_the_others_when_its_leases_expire()
    {
        await using var doomed = await GridProcesses.StartSymorqAsync(grid.Settings);
        using var doomedGateway = new GatewayClient(doomed.HttpUrl);
        grid.Upstream.Hold();
        var before = grid.Upstream.Requests.Count;
        var lost = Enumerable.Range(0, Slots).Select(_ => Chat(doomedGateway)).ToList();
        await Eventually.Get(() => ArrivedSince(before), n => n == Slots, Within, "the doomed replica's requests running upstream");
        var survivors = Enumerable.Range(0, Slots).Select(_ => Chat(_a)).ToList();
        await Eventually.Get(() => SharedSlotsGrid.QueuedAsync(grid.A), n => n == Slots, Within,
            "the other replica's requests waiting for the slots the doomed one holds");

        doomed.Kill(); // its leases stay in Redis, renewed by nobody

        await Eventually.Get(() => ArrivedSince(before), n => n == 2 * Slots, Within, "the other replica's requests running upstream");
        grid.Upstream.Release();
        Assert.All(await Task.WhenAll(survivors), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var request in lost) await Assert.ThrowsAnyAsync<HttpRequestException>(() => request);
    }

    [Fact]
    public async Task Without_Redis_a_replica_keeps_serving_on_its_own_counts_and_says_so_in_its_status()
    {
        var redis = await RedisServerProcess.StartAsync();
        await using var alone = await GridProcesses.StartSymorqAsync(
            new Dictionary<string, string>(grid.Settings) { ["ConnectionStrings__redis"] = redis.ConnectionString });
        await redis.DisposeAsync();
        using var gateway = new GatewayClient(alone.HttpUrl);
        grid.Upstream.Hold();
        var before = grid.Upstream.Requests.Count;

        var requests = Enumerable.Range(0, Slots + 1).Select(_ => Chat(gateway)).ToList();

        await Eventually.Get(async () => (Arrived: await ArrivedSince(before), Queued: await SharedSlotsGrid.QueuedAsync(alone)),
            s => s == (Slots, 1), Within, "the slots taken by this replica alone, one request waiting");
        grid.Upstream.Release();
        Assert.All(await Task.WhenAll(requests), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        using var channel = GridProcesses.OpenChannel(alone);
        var status = await new Contracts.Status.StatusClient(channel).GetStatusAsync(new GetStatusRequest());
        var shared = status.Components.Single(c => c.Name == "llm-grid").Facts["shared_slots"];
        Assert.StartsWith("local only", shared);
    }

    [Fact]
    public async Task Without_Redis_the_answer_cache_is_a_miss_and_the_endpoint_answers()
    {
        var redis = await RedisServerProcess.StartAsync();
        await using var alone = await GridProcesses.StartSymorqAsync(new Dictionary<string, string>(grid.Settings)
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString, ["Gryphgen__Gateway__CacheEnabled"] = "true",
        });
        await redis.DisposeAsync();
        using var gateway = new GatewayClient(alone.HttpUrl);
        var body = GatewayClient.Chat(SharedSlotsGrid.Model, 4, $"cache me {Guid.NewGuid()}");
        body["temperature"] = 0; // cacheable
        var before = grid.Upstream.Requests.Count;

        using var first = await gateway.PostAsync("v1/chat/completions", body);
        using var second = await gateway.PostAsync("v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(second.Headers.Contains("X-Gryphgen-Cache"));
        Assert.Equal(2, await ArrivedSince(before));
    }
}
