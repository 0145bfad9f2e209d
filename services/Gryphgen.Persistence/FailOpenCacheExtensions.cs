using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gryphgen.Persistence;

/// <summary>How a service gets its Redis cache: only ever behind <see cref="FailOpenCache"/>, so no caller can reach Redis past it.</summary>
public static class FailOpenCacheExtensions
{
    /// <param name="name">What is cached, for the log.</param>
    /// <param name="redis">Where Redis is (a connection string, or the service's own multiplexer) and the keys' prefix.</param>
    public static IServiceCollection AddFailOpenCache(this IServiceCollection services, string name, Action<IServiceProvider, RedisCacheOptions> redis)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var options = new RedisCacheOptions();
            redis(sp, options);
            return new FailOpenCache(new RedisCache(Options.Create(options)), name, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<FailOpenCache>>());
        });
        return services;
    }
}
