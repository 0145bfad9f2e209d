using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// The jobs the broker holds: a queue per role of jobs waiting for a worker, and the jobs each worker runs. It decides
/// who runs what — the least recently used free worker of the role — and what happens when a worker dies: its jobs go
/// back to the front of their queue until they have been tried <c>maxAttempts</c> times. Used only on the broker's
/// poller thread, so it needs no locks.
/// </summary>
public sealed class JobBoard(int maxAttempts, int maxQueuedPerRole)
{
    private readonly Dictionary<AgentRole, LinkedList<PendingJob>> _queues = [];
    private readonly Dictionary<string, PendingJob> _running = [];
    private readonly Dictionary<string, long> _lastAssigned = [];
    private long _assignments;

    /// <summary>Queues a job; false when its role's queue is full.</summary>
    public bool Enqueue(PendingJob job)
    {
        var queue = QueueOf(job.Role);
        if (queue.Count >= maxQueuedPerRole) return false;
        queue.AddLast(job);
        return true;
    }

    /// <summary>Pairs waiting jobs with free workers, least recently used first; returns the pairs to send.</summary>
    public IReadOnlyList<PendingJob> Assign(IReadOnlyList<ConnectedWorker> workers)
    {
        var assigned = new List<PendingJob>();
        foreach (var (role, queue) in _queues)
        {
            var free = workers.Where(w => w.Hello.Role == role).ToList();
            while (queue.First is { } next)
            {
                var worker = free.Where(w => RunningOn(w) < Math.Max(1, w.Hello.Capacity))
                    .MinBy(w => _lastAssigned.GetValueOrDefault(w.Key, -1));
                if (worker is null) break;
                queue.RemoveFirst();
                var job = next.Value;
                job.Worker = worker;
                job.Attempts++;
                _running[job.Id] = job;
                _lastAssigned[worker.Key] = ++_assignments;
                assigned.Add(job);
            }
        }
        return assigned;
    }

    public PendingJob? Find(string jobId) =>
        _running.GetValueOrDefault(jobId) ?? _queues.Values.SelectMany(q => q).FirstOrDefault(j => j.Id == jobId);

    /// <summary>Takes a job off the board (it finished or was cancelled), wherever it is.</summary>
    public void Remove(PendingJob job)
    {
        if (!_running.Remove(job.Id)) QueueOf(job.Role).Remove(job);
    }

    /// <summary>
    /// A worker is gone: its jobs go back to the front of their queues, or, tried <c>maxAttempts</c> times, are
    /// returned to be failed.
    /// </summary>
    public IReadOnlyList<PendingJob> WorkerLost(ConnectedWorker worker)
    {
        _lastAssigned.Remove(worker.Key);
        var exhausted = new List<PendingJob>();
        foreach (var job in _running.Values.Where(j => j.Worker?.Key == worker.Key).ToList())
        {
            _running.Remove(job.Id);
            job.Worker = null;
            if (job.Attempts >= maxAttempts) exhausted.Add(job);
            else QueueOf(job.Role).AddFirst(job);
        }
        return exhausted;
    }

    /// <summary>
    /// A worker came back at a new identity (<see cref="WorkerRegistry.Earlier"/>): the jobs it runs are its still,
    /// without another attempt, so the result it finished meanwhile is taken from it.
    /// </summary>
    public void Reconnected(ConnectedWorker earlier, ConnectedWorker now)
    {
        foreach (var job in _running.Values.Where(j => j.Worker?.Key == earlier.Key)) job.Worker = now;
        if (_lastAssigned.Remove(earlier.Key, out var last)) _lastAssigned[now.Key] = last;
    }

    /// <summary>Removes and returns the jobs that waited past their deadline without a worker.</summary>
    public IReadOnlyList<PendingJob> RemoveOverdue(DateTimeOffset now)
    {
        var overdue = _queues.Values.SelectMany(q => q).Where(j => j.Deadline <= now).ToList();
        foreach (var job in overdue) QueueOf(job.Role).Remove(job);
        return overdue;
    }

    private int RunningOn(ConnectedWorker worker) => _running.Values.Count(j => j.Worker?.Key == worker.Key);

    private LinkedList<PendingJob> QueueOf(AgentRole role)
    {
        if (!_queues.TryGetValue(role, out var queue)) _queues[role] = queue = new LinkedList<PendingJob>();
        return queue;
    }
}
