using System.Collections.Concurrent;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Agents.Fabric;

/// <summary>
/// The results this worker finished lately, kept because the broker does not acknowledge them: one sent on a
/// connection that was already dead (ZeroMQ gives a DEALER no word of it), or finished while there was no
/// connection, is sent again after the next hello (<see cref="Since"/>), and a job the broker sends again, having
/// presumed this worker dead, is answered from here rather than run (and paid for in tokens) twice. Bounded by count;
/// the oldest go first.
/// </summary>
public sealed class FinishedJobs(int capacity = FinishedJobs.DefaultCapacity)
{
    public const int DefaultCapacity = 256;

    private readonly ConcurrentDictionary<string, (JobResult Result, long FinishedAt)> _results = new();
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(JobResult result, long finishedAt)
    {
        if (!_results.TryAdd(result.JobId, (result, finishedAt))) return;
        _order.Enqueue(result.JobId);
        while (_results.Count > capacity && _order.TryDequeue(out var oldest)) _results.TryRemove(oldest, out _);
    }

    public JobResult? Find(string jobId) => _results.TryGetValue(jobId, out var entry) ? entry.Result : null;

    /// <summary>The results finished at or after <paramref name="timestamp"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public IReadOnlyList<JobResult> Since(long timestamp) =>
        [.. _results.Values.Where(e => e.FinishedAt >= timestamp).OrderBy(e => e.FinishedAt).Select(e => e.Result)];
}
