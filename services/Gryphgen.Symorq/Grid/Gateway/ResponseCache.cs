using System.Security.Cryptography;
using Gryphgen.Persistence;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>
/// The opt-in exact-match cache in Redis: a deterministic request (temperature 0, not streaming) with a byte-identical
/// body gets the stored answer without reaching an endpoint. Keys hash the operation and the whole body. The cache
/// fails open (<see cref="FailOpenCache"/>): with Redis down or slow a read is a miss and a write is skipped, so the
/// request is served by an endpoint.
/// </summary>
public sealed class ResponseCache(FailOpenCache cache, IOptions<GatewayOptions> options)
{
    /// <summary>
    /// Where the answers' keys start in Redis. Not the earlier release's <c>gryphgen:gateway:</c>: its answers were plain
    /// strings, which the cache's hashes would meet as wrong-typed keys (and count as Redis failing) until they expired.
    /// </summary>
    public const string KeyPrefix = "gryphgen:gateway:answers:";

    public bool AppliesTo(GatewayRequest request) => options.Value.CacheEnabled && request.Deterministic;

    public async Task<byte[]?> GetAsync(GatewayRequest request) => AppliesTo(request) ? await cache.GetAsync(Key(request)) : null;

    public async Task SetAsync(GatewayRequest request, byte[] answer)
    {
        if (AppliesTo(request))
            await cache.SetAsync(Key(request), answer, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.CacheTimeToLive });
    }

    private static string Key(GatewayRequest request) => $"{request.Operation.Name}:{Convert.ToHexString(SHA256.HashData(request.Bytes))}";
}
