using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace Gryphgen.Persistence;

/// <summary>
/// A cache in Redis as an optimisation only (SYMORG's embeddings, the gateway's answers): with Redis down, slow or
/// refusing, a read is a miss and a write is skipped, so the work goes on at the cost of doing it again. Each call waits at most
/// <see cref="CallTimeout"/>; after two failures in a row the cache is left alone for <see cref="Pause"/> instead of every chunk
/// paying the timeout, and then tried again.
/// </summary>
/// <param name="name">What is cached, for the log: "the embedding cache".</param>
public sealed class FailOpenCache(IDistributedCache inner, string name, TimeProvider time, ILogger<FailOpenCache> logger) : IDistributedCache, IDisposable
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromMilliseconds(500), Pause = TimeSpan.FromSeconds(30);

    private readonly ResiliencePipeline _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>(),
            FailureRatio = 1, MinimumThroughput = 2, BreakDuration = Pause, // two failures in a row: not a blip
            OnOpened = args =>
            {
                logger.LogWarning(args.Outcome.Exception, "{Cache} (Redis) fails; going on without it for {Pause}", name, Pause);
                return default;
            },
        })
        .AddTimeout(CallTimeout)
        .Build();

    /// <summary>Whether the cache is in use now (false while it is left alone after a failure).</summary>
    public bool Healthy { get; private set; } = true;

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        await CallAsync(async ct => await inner.GetAsync(key, ct), token);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        CallAsync(async ct => { await inner.SetAsync(key, value, options, ct); return true; }, token);

    public Task RefreshAsync(string key, CancellationToken token = default) =>
        CallAsync(async ct => { await inner.RefreshAsync(key, ct); return true; }, token);

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        CallAsync(async ct => { await inner.RemoveAsync(key, ct); return true; }, token);

    // The synchronous forms: the caching generator does not use them; they keep the same promise all the same.
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private async Task<T?> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken token)
    {
        try
        {
            var result = await _pipeline.ExecuteAsync(async ct => await call(ct), token);
            Healthy = true;
            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutRejectedException or BrokenCircuitException)
        {
            Healthy = false;
            return default;
        }
    }
}
