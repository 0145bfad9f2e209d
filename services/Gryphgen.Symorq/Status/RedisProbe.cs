using Gryphgen.Contracts;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Status;

/// <summary>Redis: a PING and the server's version.</summary>
public sealed class RedisProbe(IConnectionMultiplexer redis) : IComponentProbe
{
    public string Name => "redis";

    public string Kind => "cache";

    public async Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken)
    {
        var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        var server = redis.GetServers().FirstOrDefault();
        var version = server?.Version.ToString() ?? "?";
        return [ComponentStatuses.Create(Name, Kind, true, $"Redis {version}, ping {latency.TotalMilliseconds:0.0} ms",
            facts: [new("version", version)])];
    }
}
