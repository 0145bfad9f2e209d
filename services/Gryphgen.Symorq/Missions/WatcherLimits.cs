using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// Caps this replica's live watches (gRPC <c>Watch</c>, HTTP <c>/events</c>): per task, so that one task's audience
/// cannot take every connection, and per API key, so that one caller cannot hold them all. Each watch holds its
/// admission until it ends.
/// </summary>
public sealed class WatcherLimits(IOptions<WorkflowOptions> options)
{
    private readonly Dictionary<string, int> _perTask = new(StringComparer.Ordinal), _perKey = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public IDisposable Admit(string taskId, string key)
    {
        var limits = options.Value;
        lock (_lock)
        {
            if (_perTask.GetValueOrDefault(taskId) >= limits.MaxWatchersPerTask)
            {
                throw new TaskApiException(TaskApiError.TooMany,
                    $"task '{taskId}' already has {limits.MaxWatchersPerTask} watchers (Gryphgen:Workflow:MaxWatchersPerTask); close one first");
            }
            if (_perKey.GetValueOrDefault(key) >= limits.MaxWatchersPerKey)
            {
                throw new TaskApiException(TaskApiError.TooMany,
                    $"this key already watches {limits.MaxWatchersPerKey} streams (Gryphgen:Workflow:MaxWatchersPerKey); close one first");
            }
            Count(_perTask, taskId, +1);
            Count(_perKey, key, +1);
        }
        return new Admission(this, taskId, key);
    }

    private void Leave(string taskId, string key)
    {
        lock (_lock)
        {
            Count(_perTask, taskId, -1);
            Count(_perKey, key, -1);
        }
    }

    /// <summary>Counts kept only while non-zero, so the tables hold the watched tasks and watching keys alone.</summary>
    private static void Count(Dictionary<string, int> counts, string name, int change)
    {
        var count = counts.GetValueOrDefault(name) + change;
        if (count > 0) counts[name] = count;
        else counts.Remove(name);
    }

    private sealed class Admission(WatcherLimits limits, string taskId, string key) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) limits.Leave(taskId, key);
        }
    }
}
