using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// Every endpoint's slots as all SYMORQ replicas hold them, kept in Redis, so that replicas in front of the same
/// endpoint never run more requests on it together than it has slots. Per endpoint (by name) a sorted set of leases,
/// member "replica:lease", score the lease's expiry on Redis's clock. A Lua script drops expired leases and adds one
/// only while fewer than the endpoint's slots are held; a running request's lease is renewed every third of
/// <see cref="GridOptions.SharedSlotLeaseTime"/>, so a crashed replica's slots come free within one lease time; a
/// released lease is removed and announced on a channel that waiting replicas listen to, and they also poll, since a
/// lease that expires announces nothing.
/// </summary>
/// <remarks>
/// Redis helps here but is not needed to serve: while it cannot be reached, this replica grants slots on its own
/// counts alone (as a single replica always may), warns once, and says so in its status and metrics, rather than stop
/// serving. Replicas sharing an endpoint may then oversubscribe it until Redis answers again.
/// </remarks>
public sealed class SharedSlotLedger : BackgroundService
{
    private const string KeyPrefix = "gryphgen:grid:slots:";
    private const string SlotFreedChannel = "gryphgen:grid:slot-freed";

    private const string AcquireScript = """
        local now = redis.call('TIME')
        local ms = now[1] * 1000 + math.floor(now[2] / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms)
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('ZADD', KEYS[1], ms + tonumber(ARGV[3]), ARGV[1])
        return 1
        """;

    // XX: only leases still there. A renewal racing a release must not bring the released lease back.
    private const string RenewScript = """
        local now = redis.call('TIME')
        local expiry = now[1] * 1000 + math.floor(now[2] / 1000) + tonumber(ARGV[1])
        for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i]) end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
        return 0
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly GridOptions _options;
    private readonly ILogger<SharedSlotLedger> _logger;
    private readonly string _replica = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly ConcurrentDictionary<SlotLease, string> _held = new();
    private long _leases;
    private string? _problem;

    public SharedSlotLedger(IConnectionMultiplexer redis, IOptions<GridOptions> options, ILogger<SharedSlotLedger> logger)
    {
        _redis = redis;
        _options = options.Value;
        _logger = logger;
        if (!Enabled) return;
        GryphgenTelemetry.Meter.CreateObservableGauge("gryphgen.grid.slots.shared", () => Problem is null ? 1 : 0, "1",
            "1 while endpoint slots are shared with the other replicas through Redis, 0 while this replica counts them alone");
    }

    /// <summary>
    /// Raised when a slot may have come free on another replica: with the endpoint's name when one announced it, with
    /// null on each poll.
    /// </summary>
    public event Action<string?>? SlotsMayHaveFreed;

    public bool Enabled => _options.SharedSlots;

    /// <summary>Why this replica counts slots alone right now; null while Redis holds them (or sharing is off).</summary>
    public string? Problem => Volatile.Read(ref _problem);

    /// <summary>How slots are counted, for the status: "redis", "off", or "local only" with the reason.</summary>
    public string Mode => !Enabled ? "off" : Problem is { } problem ? $"local only: {problem}" : "redis";

    /// <summary>
    /// Records <paramref name="lease"/> in Redis when fewer than the endpoint's slots are held by all replicas.
    /// False when they are all held elsewhere; true when recorded, or when Redis cannot be reached (local counts rule).
    /// </summary>
    public async Task<bool> TryAcquireAsync(SlotLease lease)
    {
        if (!Enabled) return true;
        if (!_redis.IsConnected)
        {
            Degrade("not connected");
            return true;
        }
        var member = $"{_replica}:{Interlocked.Increment(ref _leases)}";
        try
        {
            var granted = (long)await _redis.GetDatabase().ScriptEvaluateAsync(AcquireScript, [Key(lease.Endpoint.Name)],
                [member, lease.Endpoint.Slots, (long)_options.SharedSlotLeaseTime.TotalMilliseconds]);
            Recover();
            if (granted == 0) return false;
            _held[lease] = member;
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Degrade(ex.Message);
            return true;
        }
    }

    /// <summary>Frees the lease's slot for every replica; without Redis the lease simply lapses.</summary>
    public void Release(SlotLease lease)
    {
        if (!_held.TryRemove(lease, out var member) || !_redis.IsConnected) return;
        _ = _redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key(lease.Endpoint.Name)],
            [member, SlotFreedChannel, lease.Endpoint.Name], CommandFlags.FireAndForget);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Enabled ? Task.WhenAll(PollAsync(stoppingToken), RenewAsync(stoppingToken)) : Task.CompletedTask;

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SharedSlotPollInterval);
        var subscribed = false;
        do
        {
            subscribed = subscribed || await TrySubscribeAsync();
            SlotsMayHaveFreed?.Invoke(null);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(SlotFreedChannel),
                (_, endpoint) => SlotsMayHaveFreed?.Invoke(endpoint));
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Degrade(ex.Message);
            return false;
        }
    }

    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SharedSlotLeaseTime / 3);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var endpoint in _held.GroupBy(h => h.Key.Endpoint.Name))
            {
                try
                {
                    await _redis.GetDatabase().ScriptEvaluateAsync(RenewScript, [Key(endpoint.Key)],
                        [(long)_options.SharedSlotLeaseTime.TotalMilliseconds, .. endpoint.Select(h => (RedisValue)h.Value)]);
                    Recover();
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    Degrade(ex.Message);
                }
            }
        }
    }

    private static RedisKey Key(string endpoint) => KeyPrefix + endpoint;

    private void Degrade(string problem)
    {
        if (Interlocked.Exchange(ref _problem, problem) is null)
        {
            _logger.LogWarning("Redis cannot be reached ({Problem}): this replica counts endpoint slots alone until it " +
                "answers again, so replicas sharing an endpoint may oversubscribe it meanwhile", problem);
        }
    }

    private void Recover()
    {
        if (Volatile.Read(ref _problem) is not null && Interlocked.Exchange(ref _problem, null) is not null)
            _logger.LogInformation("Redis answers again: endpoint slots are shared with the other replicas again");
    }
}
