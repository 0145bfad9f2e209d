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
/// continue from their last completed step. Several replicas share the work without running a task twice.
/// </summary>
public sealed class MissionEngine(
    IServiceScopeFactory scopes, MissionServices services, IOptions<WorkflowOptions> options, ReplicaIdentity replica, ILogger<MissionEngine> logger)
    : BackgroundService
{
    private readonly WorkflowOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, RunningTask> _running = new();
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Identifies this replica's claims.</summary>
    public string ReplicaId { get; } = replica.Id;

    /// <summary>Look for work now (a task was submitted or cancelled) rather than at the next poll.</summary>
    public void Wake() => _wake.Release();

    /// <summary>Stops a task this replica runs, when the user cancelled it; other replicas see the flag at their next renewal.</summary>
    public void Cancel(string taskId)
    {
        if (_running.TryGetValue(taskId, out var running)) running.Cancel.Cancel();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Mission engine {Replica}: up to {Max} tasks at once", ReplicaId, _options.MaxConcurrentTasks);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RenewAsync(stoppingToken);
                await ClaimAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
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
    }

    private async Task ClaimAsync(CancellationToken ct)
    {
        var free = _options.MaxConcurrentTasks - _running.Count;
        if (free <= 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var claimed = await db.Database.SqlQuery<string>($"""
            UPDATE tasks SET lease_owner = {ReplicaId}, lease_until = now() + {_options.LeaseDuration}
            WHERE id IN (
                SELECT id FROM tasks
                WHERE state IN ('Queued', 'Running') AND (lease_owner IS NULL OR lease_until < now())
                ORDER BY priority DESC, created_at
                LIMIT {free}
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        foreach (var id in claimed) Start(id, ct);
    }

    /// <summary>Keeps this replica's claims alive, and stops tasks whose claim was lost or that the user cancelled.</summary>
    private async Task RenewAsync(CancellationToken ct)
    {
        if (_running.IsEmpty) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var ids = _running.Keys.ToArray();
        var renewed = await db.Database.SqlQuery<string>($"""
            UPDATE tasks SET lease_until = now() + {_options.LeaseDuration}
            WHERE lease_owner = {ReplicaId} AND id = ANY({ids})
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        var cancelled = await db.Tasks.Where(t => ids.Contains(t.Id) && t.CancelRequested).Select(t => t.Id).ToListAsync(ct);
        foreach (var id in cancelled) Cancel(id);
        foreach (var lost in ids.Except(renewed))
        {
            if (!_running.TryGetValue(lost, out var running) || running.Run.IsCompleted) continue;
            logger.LogWarning("Task {Task}: this replica's claim was lost; letting it go", lost);
            running.Stop.Cancel();
        }
    }

    private void Start(string taskId, CancellationToken stopping)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var cancel = new CancellationTokenSource();
        var running = new RunningTask(cancel, stop, Task.CompletedTask);
        if (!_running.TryAdd(taskId, running)) return;
        _running[taskId] = running with { Run = Task.Run(() => RunAsync(taskId, cancel.Token, stop.Token), CancellationToken.None) };
    }

    private async Task RunAsync(string taskId, CancellationToken cancelled, CancellationToken stopping)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var journal = scope.ServiceProvider.GetRequiredService<TaskJournal>();
            var task = await journal.FindAsync(taskId, stopping);
            if (task is null || task.IsFinished) return;
            var spec = JsonSerializer.Deserialize<TaskSpec>(task.Spec, JournalJson.Options)!;
            await new TaskRun(task, spec, journal, services).RunAsync(cancelled, stopping);
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
            if (_running.TryRemove(taskId, out var running))
            {
                running.Cancel.Dispose();
                running.Stop.Dispose();
            }
            await ReleaseAsync(taskId);
            Wake();
        }
    }

    /// <summary>Gives the claim back so that the task, if still unfinished, is resumed at once rather than after the lease.</summary>
    private async Task ReleaseAsync(string taskId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
            await db.Tasks.Where(t => t.Id == taskId && t.LeaseOwner == ReplicaId)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.LeaseOwner, (string?)null).SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Task {Task}: could not release the claim; it runs out on its own", taskId);
        }
    }

    private sealed record RunningTask(CancellationTokenSource Cancel, CancellationTokenSource Stop, Task Run);
}
