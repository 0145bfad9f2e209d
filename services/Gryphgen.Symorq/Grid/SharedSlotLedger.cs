using System.Collections.Concurrent;
using System.Diagnostics;
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
/// A slot claimed in Redis serves this replica's next requests on the same endpoint, without asking Redis again,
/// until <see cref="GridOptions.SharedSlotReuseWindow"/> has passed since the claim: a request that frees it inside
/// the window leaves it idle here for the next one, and the claim goes back to Redis when the window ends. The round
/// trip to Redis was most of what the gateway added to a short request; in exchange, another replica may wait up to
/// one window for a slot this replica no longer uses.
/// <para>
/// Redis helps here but is not needed to serve: while it cannot be reached, this replica grants slots on its own
/// counts alone (as a single replica always may), warns once, and says so in its status and metrics, rather than stop
/// serving. Replicas sharing an endpoint may then oversubscribe it until Redis answers again.
/// </para>
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
    private readonly string _replica;
    private readonly ConcurrentDictionary<SharedSlot, byte> _held = new();
    private readonly ConcurrentDictionary<string, ConcurrentStack<SharedSlot>> _idle = new(StringComparer.Ordinal);
    private long _leases;
    private string? _problem;

    public SharedSlotLedger(IConnectionMultiplexer redis, IOptions<GridOptions> options, ReplicaIdentity replica, ILogger<SharedSlotLedger> logger)
    {
        _replica = replica.Id;
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
    /// Claims one of <paramref name="endpoint"/>'s <paramref name="slots"/> in Redis when fewer are held by all
    /// replicas. Not granted when they are all held elsewhere; granted with the claim when recorded (or a slot this
    /// replica holds idle is reused), and granted without one when sharing is off or Redis cannot be reached (local
    /// counts rule).
    /// </summary>
    public async ValueTask<(bool Granted, SharedSlot? Slot)> TryClaimAsync(string endpoint, int slots)
    {
        if (!Enabled) return (true, null);
        if (TryReuse(endpoint) is { } reused) return (true, reused);
        if (!_redis.IsConnected)
        {
            Degrade("not connected");
            return (true, null);
        }
        var member = $"{_replica}:{Interlocked.Increment(ref _leases)}";
        try
        {
            var granted = (long)await _redis.GetDatabase().ScriptEvaluateAsync(AcquireScript, [Key(endpoint)],
                [member, slots, (long)_options.SharedSlotLeaseTime.TotalMilliseconds]);
            Recover();
            if (granted == 0) return (false, null);
            var slot = new SharedSlot(endpoint, member, Stopwatch.GetTimestamp());
            _held[slot] = 0;
            return (true, slot);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Degrade(ex.Message);
            return (true, null);
        }
    }

    /// <summary>
    /// Frees a claimed slot: kept idle for this replica's next request while inside its reuse window, otherwise
    /// returned to every replica. Without Redis the claim simply lapses.
    /// </summary>
    public void Release(SharedSlot slot)
    {
        if (!_held.TryRemove(slot, out _)) return;
        if (Reusable(slot) && _redis.IsConnected) _idle.GetOrAdd(slot.Endpoint, _ => new()).Push(slot);
        else Return(slot);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Enabled
        ? Task.WhenAll(PollAsync(stoppingToken), RenewAsync(stoppingToken), ReturnIdleAsync(stoppingToken))
        : Task.CompletedTask;

    /// <summary>Gives the idle slots back at shutdown, so that the other replicas need not wait for them to expire.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var returns = new List<Task>();
        foreach (var idle in _idle.Values)
        {
            while (idle.TryPop(out var slot)) returns.Add(ReturnAsync(slot, CommandFlags.None));
        }
        try
        {
            await Task.WhenAll(returns).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "Idle slots not returned at shutdown; they expire with their leases");
        }
    }

    private SharedSlot? TryReuse(string endpoint)
    {
        if (!_idle.TryGetValue(endpoint, out var idle)) return null;
        while (idle.TryPop(out var slot))
        {
            if (Reusable(slot))
            {
                _held[slot] = 0;
                return slot;
            }
            Return(slot);
        }
        return null;
    }

    private bool Reusable(SharedSlot slot) => Stopwatch.GetElapsedTime(slot.ClaimedAt) < _options.SharedSlotReuseWindow;

    private void Return(SharedSlot slot) => _ = ReturnAsync(slot, CommandFlags.FireAndForget);

    private Task ReturnAsync(SharedSlot slot, CommandFlags flags) => !_redis.IsConnected ? Task.CompletedTask
        : _redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key(slot.Endpoint)], [slot.Member, SlotFreedChannel, slot.Endpoint], flags);

    /// <summary>Returns idle slots whose reuse window has ended, a quarter of a window late at most.</summary>
    private async Task ReturnIdleAsync(CancellationToken stoppingToken)
    {
        if (_options.SharedSlotReuseWindow <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, _options.SharedSlotReuseWindow.Ticks / 4)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var idle in _idle.Values)
            {
                var keep = new List<SharedSlot>();
                while (idle.TryPop(out var slot))
                {
                    if (Reusable(slot)) keep.Add(slot);
                    else Return(slot);
                }
                foreach (var slot in keep) idle.Push(slot);
            }
        }
    }

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
            foreach (var endpoint in _held.Keys.Concat(_idle.Values.SelectMany(idle => idle)).GroupBy(slot => slot.Endpoint))
            {
                try
                {
                    await _redis.GetDatabase().ScriptEvaluateAsync(RenewScript, [Key(endpoint.Key)],
                        [(long)_options.SharedSlotLeaseTime.TotalMilliseconds, .. endpoint.Select(slot => (RedisValue)slot.Member)]);
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
