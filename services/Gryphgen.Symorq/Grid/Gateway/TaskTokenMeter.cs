using System.Security.Claims;
using Gryphgen.Symorq.Keys;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>
/// The tokens each task has spent at the gateway, as the endpoints reported them (<c>usage</c>), counted in Redis so
/// that every SYMORQ replica's gateway adds to, and every replica's task run reads, the same count. A request is
/// counted against the task its <c>X-Gryphgen-Task</c> header names only when it comes with an agent key: a user
/// key cannot spend another task's budget, and a task's tokens are never the worker's word.
/// </summary>
public sealed class TaskTokenMeter(IConnectionMultiplexer redis)
{
    /// <summary>Longer than any task's time budget; the count is read while the task runs and then forgotten.</summary>
    private static readonly TimeSpan Kept = TimeSpan.FromDays(30);

    /// <summary>The task a request's tokens count against: the header's, for an agent key; null otherwise.</summary>
    public static string? TaskOf(ClaimsPrincipal caller, GatewayRequest request) =>
        caller.IsInRole(KeyScopes.Agent) && !string.IsNullOrWhiteSpace(request.TaskId) ? request.TaskId : null;

    public async Task AddAsync(string taskId, long tokens)
    {
        if (tokens <= 0) return;
        var db = redis.GetDatabase();
        await db.StringIncrementAsync(Key(taskId), tokens);
        await db.KeyExpireAsync(Key(taskId), Kept);
    }

    /// <summary>The tokens metered for the task so far (0 before its first request).</summary>
    public async Task<long> ReadAsync(string taskId) => (long?)await redis.GetDatabase().StringGetAsync(Key(taskId)) ?? 0;

    private static RedisKey Key(string taskId) => $"gryphgen:task-tokens:{taskId}";
}
