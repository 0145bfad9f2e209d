using System.Collections.Concurrent;
using System.Text.Json;
using Gryphgen.Symorq.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// Runs tasks durably. Tasks are claimed from PostgreSQL with a lease (highest priority, then oldest first, up to
/// <see cref="WorkflowOptions.MaxConcurrentTasks"/>), and the lease is renewed while they run. Running tasks left
/// by a replica that died (or by this one before a restart) are claimed again once their lease runs out and
/// continue from their last completed step. Several replicas share the work without running a task twice: each
/// claim takes a new number (the fence), the run's writes are refused once a later claim exists, and a replica that
/// cannot renew its claims stops their work before they can run out and pass to another.
/// </summary>
public sealed class MissionEngine(
    IServiceScopeFactory scopes, MissionServices services, IOptions<WorkflowOptions> options, ReplicaIdentity replica, ILogger<MissionEngine> logger)
    : BackgroundService
{
    private readonly WorkflowOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, RunningTask> _running = new();
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>
    /// The share of the lease a claim may go unrenewed before this replica stops the task's work: the rest is left for
    /// the work to stop (a call in flight cancelled) before another replica may claim it.
    /// </summary>
    private const double UnrenewedShare = 0.8;

    /// <summary>Identifies this replica's claims.</summary>
    public string ReplicaId { get; } = replica.Id;

    /// <summary>Look for work now (a task was submitted or cancelled) rather than at the next poll.</summary>
    public void Wake() => _wake.Release();

    /// <summary>Stops a task this replica runs, when the user cancelled it; other replicas see the flag at their next renewal.</summary>
    public void Cancel(string taskId)
    {
        if (_running.TryGetValue(taskId, out var running)) running.Signal(running.Cancel);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Mission engine {Replica}: up to {Max} tasks at once", ReplicaId, _options.MaxConcurrentTasks);
        var watching = WatchClaimsAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            // A database that does not answer (a partition) must not hold the loop past the claims' renewal.
            using var pass = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            pass.CancelAfter(_options.LeaseDuration / 2);
            try
            {
                await RenewAsync(pass.Token);
                await ClaimAsync(pass.Token, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Mission engine could not reach the database; trying again");
            }
            try
            {
                await _wake.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(_running.Values.Select(r => r.Run));
        await watching;
    }

    /// <summary>Stops the work of every claim not renewed for most of the lease (the database is out of reach).</summary>
    private async Task WatchClaimsAsync(CancellationToken ct)
    {
        var limit = _options.LeaseDuration * UnrenewedShare;
        var every = TimeSpan.FromTicks(Math.Clamp(_options.LeaseDuration.Ticks / 20, TimeSpan.TicksPerMillisecond * 20, TimeSpan.TicksPerSecond));
        try
        {
            while (true)
            {
                await Task.Delay(every, services.Time, ct);
                foreach (var (taskId, running) in _running)
                {
                    if (running.Stop.IsCancellationRequested || services.Time.GetElapsedTime(running.RenewedAt) < limit) continue;
                    logger.LogWarning("Task {Task}: its claim could not be renewed for {Elapsed}; stopping its work before the claim runs out",
                        taskId, services.Time.GetElapsedTime(running.RenewedAt));
                    running.Signal(running.Stop);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    /// <param name="ct">Bounds the claim query.</param>
    /// <param name="stopping">This replica shutting down: the claimed tasks' work stops with it.</param>
    private async Task ClaimAsync(CancellationToken ct, CancellationToken stopping)
    {
        var free = _options.MaxConcurrentTasks - _running.Count;
        if (free <= 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var running = _running.Keys.ToArray();
        var sent = services.Time.GetTimestamp();
        // A task this replica still runs is never claimed again here: its claim is renewed, or its work stops.
        var claimed = await db.Database.SqlQuery<Claim>($"""
            UPDATE symorq.tasks SET lease_owner = {ReplicaId}, lease_until = now() + {_options.LeaseDuration}, lease_generation = lease_generation + 1
            WHERE id IN (
                SELECT id FROM symorq.tasks
                WHERE state IN ('Queued', 'Running') AND (lease_owner IS NULL OR lease_until < now()) AND NOT (id = ANY({running}))
                ORDER BY priority DESC, created_at
                LIMIT {free}
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "TaskId", lease_generation AS "Generation"
            """).ToListAsync(ct);
        foreach (var claim in claimed) Start(claim, sent, stopping);
    }

    /// <summary>Keeps this replica's claims alive, and stops tasks whose claim was lost or that the user cancelled.</summary>
    private async Task RenewAsync(CancellationToken ct)
    {
        if (_running.IsEmpty) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var ids = _running.Keys.ToArray();
        var sent = services.Time.GetTimestamp();
        var renewed = await db.Database.SqlQuery<string>($"""
            UPDATE symorq.tasks SET lease_until = now() + {_options.LeaseDuration}
            WHERE lease_owner = {ReplicaId} AND id = ANY({ids})
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        foreach (var id in renewed)
        {
            if (_running.TryGetValue(id, out var held)) held.RenewedAt = sent;
        }
        var cancelled = await db.Tasks.Where(t => ids.Contains(t.Id) && t.CancelRequested).Select(t => t.Id).ToListAsync(ct);
        foreach (var id in cancelled) Cancel(id);
        foreach (var lost in ids.Except(renewed))
        {
            if (!_running.TryGetValue(lost, out var running) || running.Run.IsCompleted) continue;
            logger.LogWarning("Task {Task}: this replica's claim was lost; letting it go", lost);
            running.Signal(running.Stop);
        }
    }

    /// <param name="sent">When the claim was asked for: the lease runs from no earlier than then.</param>
    private void Start(Claim claim, long sent, CancellationToken stopping)
    {
        var running = new RunningTask(new CancellationTokenSource(), CancellationTokenSource.CreateLinkedTokenSource(stopping)) { RenewedAt = sent };
        if (!_running.TryAdd(claim.TaskId, running)) return;
        running.Run = Task.Run(() => RunAsync(claim, running), CancellationToken.None);
    }

    private async Task RunAsync(Claim claim, RunningTask running)
    {
        var taskId = claim.TaskId;
        var stopping = running.Stop.Token;
        var release = true;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var journal = scope.ServiceProvider.GetRequiredService<TaskJournal>();
            var task = await journal.FindAsync(taskId, stopping);
            if (task is null || task.IsFinished) return;
            if (task.LeaseGeneration != claim.Generation) throw new ClaimLostException(taskId, claim.Generation);
            var spec = JsonSerializer.Deserialize<TaskSpec>(task.Spec, JournalJson.Options)!;
            await new TaskRun(task, spec, journal, services).RunAsync(running.Cancel.Token, stopping);
        }
        catch (ClaimLostException lost)
        {
            // Not ours any more: the later claim's replica works the task, and this one neither writes nor releases.
            release = false;
            logger.LogWarning("Task {Task}: {Reason}; this replica stopped working on it", taskId, lost.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.LogInformation("Task {Task} left running for the next replica to resume", taskId);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Task {Task} stopped unexpectedly; it resumes when its claim runs out", taskId);
        }
        finally
        {
            _running.TryRemove(taskId, out _);
            running.Cancel.Dispose();
            running.Stop.Dispose();
            if (release) await ReleaseAsync(claim);
            Wake();
        }
    }

    /// <summary>Gives the claim back so that the task, if still unfinished, is resumed at once rather than after the lease.</summary>
    private async Task ReleaseAsync(Claim claim)
    {
        var taskId = claim.TaskId;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
            await db.Tasks.Where(t => t.Id == taskId && t.LeaseOwner == ReplicaId && t.LeaseGeneration == claim.Generation)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.LeaseOwner, (string?)null).SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Task {Task}: could not release the claim; it runs out on its own", taskId);
        }
    }

    /// <summary>A claim as the claim query returns it (the columns are named after these properties).</summary>
    private sealed record Claim(string TaskId, long Generation);

    private sealed class RunningTask(CancellationTokenSource cancel, CancellationTokenSource stop)
    {
        /// <summary>The user's cancel.</summary>
        public CancellationTokenSource Cancel { get; } = cancel;

        /// <summary>This replica lets go of the task (shutting down, its claim lost or not renewed in time).</summary>
        public CancellationTokenSource Stop { get; } = stop;

        public Task Run { get; set; } = Task.CompletedTask;

        /// <summary>When the last renewal that succeeded was sent (a <see cref="TimeProvider"/> timestamp).</summary>
        public long RenewedAt
        {
            get => Interlocked.Read(ref _renewedAt);
            set => Interlocked.Exchange(ref _renewedAt, value);
        }

        private long _renewedAt;

        /// <summary>Cancels <paramref name="source"/> unless the run has ended meanwhile (and disposed it).</summary>
        public void Signal(CancellationTokenSource source)
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the run ended between the look-up and now: nothing left to stop
            }
        }
    }
}
