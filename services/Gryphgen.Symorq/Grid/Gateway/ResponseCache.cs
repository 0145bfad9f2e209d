using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>
/// The opt-in exact-match cache in Redis: a deterministic request (temperature 0, not streaming) with a byte-identical
/// body gets the stored answer without reaching an endpoint. Keys hash the operation and the whole body. The cache
/// fails open: with Redis down or slow a read is a miss and a write is skipped, so the request is served by an endpoint.
/// </summary>
public sealed class ResponseCache(IConnectionMultiplexer redis, IOptions<GatewayOptions> options, ILogger<ResponseCache> logger)
{
    // Redis queues commands while it reconnects; a request does not wait for that longer than a cache is worth.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMilliseconds(500);

    public bool AppliesTo(GatewayRequest request) => options.Value.CacheEnabled && request.Deterministic;

    public async Task<byte[]?> GetAsync(GatewayRequest request) =>
        AppliesTo(request) ? await FailOpenAsync(async () => (byte[]?)await redis.GetDatabase().StringGetAsync(Key(request)).WaitAsync(CallTimeout)) : null;

    public async Task SetAsync(GatewayRequest request, byte[] answer)
    {
        if (AppliesTo(request))
            await FailOpenAsync(async () => await redis.GetDatabase().StringSetAsync(Key(request), answer, options.Value.CacheTimeToLive).WaitAsync(CallTimeout));
    }

    private async Task<T?> FailOpenAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("The gateway's answer cache (Redis) did not answer ({Error}); serving without it", ex.Message);
            return default;
        }
    }

    private static string Key(GatewayRequest request) =>
        $"gryphgen:gateway:{request.Operation.Name}:{Convert.ToHexString(SHA256.HashData(request.Bytes))}";
}
