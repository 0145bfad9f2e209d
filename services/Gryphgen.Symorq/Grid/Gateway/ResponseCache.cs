using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>
/// The opt-in exact-match cache in Redis: a deterministic request (temperature 0, not streaming) with a byte-identical
/// body gets the stored answer without reaching an endpoint. Keys hash the operation and the whole body.
/// </summary>
public sealed class ResponseCache(IConnectionMultiplexer redis, IOptions<GatewayOptions> options)
{
    public bool AppliesTo(GatewayRequest request) => options.Value.CacheEnabled && request.Deterministic;

    public async Task<byte[]?> GetAsync(GatewayRequest request) =>
        AppliesTo(request) ? (byte[]?)await redis.GetDatabase().StringGetAsync(Key(request)) : null;

    public async Task SetAsync(GatewayRequest request, byte[] answer)
    {
        if (AppliesTo(request))
            await redis.GetDatabase().StringSetAsync(Key(request), answer, options.Value.CacheTimeToLive);
    }

    private static string Key(GatewayRequest request) =>
        $"gryphgen:gateway:{request.Operation.Name}:{Convert.ToHexString(SHA256.HashData(request.Bytes))}";
}
