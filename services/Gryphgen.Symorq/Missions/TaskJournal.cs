using System.Text.Json;
using Gryphgen.Symorq.Data;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// The durable record of tasks in PostgreSQL: tasks, their steps and their events. Every change to a task is saved
/// together with the event that tells of it; each event written wakes the task's watchers on every replica, through
/// the database (<see cref="TaskEventChannel"/>).
/// Writes for a running task are fenced by its claim (<see cref="SaveAsync"/>).
/// </summary>
public sealed class TaskJournal(OrchestratorDbContext db, TimeProvider time)
{
    public async Task<TaskRecord> CreateAsync(TaskRecord task, CancellationToken ct)
    {
        task.CreatedAt = time.GetUtcNow();
        db.Tasks.Add(task);
        AddEvent(task, TaskEventKinds.Submitted, "", $"submitted: {task.Title}");
        await SaveAsync(ct);
        return task;
    }

    public Task<TaskRecord?> FindAsync(string id, CancellationToken ct) => FindAsync(id, null, ct);

    /// <summary>The task, if <paramref name="owner"/> (when given) submitted it.</summary>
    public Task<TaskRecord?> FindAsync(string id, string? owner, CancellationToken ct) =>
        db.Tasks.SingleOrDefaultAsync(t => t.Id == id && (owner == null || t.Owner == owner), ct);

    /// <summary>The newest tasks, only <paramref name="owner"/>'s when given, only in <paramref name="state"/> when given.</summary>
    public Task<List<TaskRecord>> ListAsync(string? owner, TaskRecordState? state, int limit, CancellationToken ct) =>
        db.Tasks.AsNoTracking().Where(t => (owner == null || t.Owner == owner) && (state == null || t.State == state))
            .OrderByDescending(t => t.CreatedAt).Take(limit).ToListAsync(ct);

    public Task<List<StepRecord>> StepsAsync(string taskId, CancellationToken ct) =>
        db.Steps.AsNoTracking().Where(s => s.TaskId == taskId).OrderBy(s => s.Iteration).ThenBy(s => s.Id).ToListAsync(ct);

    public Task<List<EventRecord>> EventsAsync(string taskId, long afterSequence, int limit, CancellationToken ct) =>
        db.Events.AsNoTracking().Where(e => e.TaskId == taskId && e.Sequence > afterSequence)
            .OrderBy(e => e.Sequence).Take(limit).ToListAsync(ct);

    public Task<bool> IsFinishedAsync(string taskId, CancellationToken ct) =>
        db.Tasks.AsNoTracking().AnyAsync(t => t.Id == taskId && TaskRecordStates.Finished.Contains(t.State), ct);

    /// <summary>
    /// Cancels a task: a queued one nobody works on ends at once; a running one is flagged, and the replica working
    /// on it ends it between (or inside) steps. Null when there is no such task.
    /// </summary>
    public async Task<TaskRecord?> CancelAsync(string taskId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var unclaimed = await db.Tasks.Where(t => t.Id == taskId && t.State == TaskRecordState.Queued && (t.LeaseOwner == null || t.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.State, TaskRecordState.Cancelled).SetProperty(t => t.Reason, TaskReasons.CancelledByUser)
                .SetProperty(t => t.FinishedAt, now), ct);
        if (unclaimed == 0)
        {
            await db.Tasks.Where(t => t.Id == taskId && (t.State == TaskRecordState.Queued || t.State == TaskRecordState.Running))
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.CancelRequested, true), ct);
        }
        var task = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is not null && unclaimed > 0)
        {
            AddEvent(task, TaskEventKinds.Ended, "", $"cancelled: {task.Reason}");
            await SaveAsync(ct);
        }
        return task;
    }

    /// <summary>
    /// Starts (or starts again) a step in memory: one row per step of an iteration, its attempts counted. Pass the
    /// row when it exists (from <see cref="StepsAsync"/>, or an earlier attempt's), a new one otherwise; then save.
    /// </summary>
    public void StartStep(TaskRecord task, StepRecord step)
    {
        if (step.Id == 0) db.Steps.Add(step);
        else if (db.Entry(step).State == EntityState.Detached) db.Steps.Attach(step);
        step.Attempts++;
        step.State = StepStates.Running;
        step.Error = "";
        step.StartedAt = time.GetUtcNow();
        step.FinishedAt = null;
        task.CurrentStep = step.Kind;
        AddEvent(task, TaskEventKinds.StepStarted, step.Kind,
            step.Attempts == 1 ? $"{step.Kind} started" : $"{step.Kind} started again (attempt {step.Attempts})", step.Iteration);
    }

    /// <summary>
    /// Completes a step in memory; it is saved with the next write (the next step's start, a decision, the task's
    /// end), one round trip instead of two. Nothing with effects happens in between, so a completion lost to a crash
    /// there is no different from one lost just before its save: the step runs again.
    /// </summary>
    public void CompleteStep(TaskRecord task, StepRecord step, string output, long tokens, string summary)
    {
        step.State = StepStates.Completed;
        step.Output = output;
        step.Tokens += tokens;
        step.Summary = summary;
        step.FinishedAt = time.GetUtcNow();
        task.Tokens += tokens;
        AddEvent(task, TaskEventKinds.StepFinished, step.Kind, summary, step.Iteration);
    }

    public async Task FailStepAsync(TaskRecord task, StepRecord step, string kind, string error, long tokens, CancellationToken ct)
    {
        step.State = StepStates.Failed;
        step.Error = error;
        step.Tokens += tokens;
        step.FinishedAt = time.GetUtcNow();
        task.Tokens += tokens;
        AddEvent(task, kind, step.Kind, error, step.Iteration);
        await SaveAsync(ct);
    }

    /// <summary>
    /// An event to be saved with the next change (a step's completion): what a step found, told as it finishes,
    /// without a write of its own.
    /// </summary>
    public void Note(TaskRecord task, string kind, string message, string step) => AddEvent(task, kind, step, message);

    /// <summary>Saves what changed on <paramref name="task"/> with the event that tells of it.</summary>
    public async Task RecordAsync(TaskRecord task, string kind, string message, string step = "", int? iteration = null, CancellationToken ct = default)
    {
        AddEvent(task, kind, step, message, iteration);
        await SaveAsync(ct);
    }

    private void AddEvent(TaskRecord task, string kind, string step, string message, int? iteration = null) =>
        db.Events.Add(new EventRecord
        {
            TaskId = task.Id, At = time.GetUtcNow(), Kind = kind, Step = step, Message = message,
            Iteration = iteration ?? task.Iterations, Snapshot = JsonSerializer.Serialize(TaskSnapshot.Of(task), JournalJson.Options),
        });

    /// <summary>
    /// Saves whatever is pending (a completed step, noted events). A task read here for a run is saved only under the
    /// claim it was read with: the task's row is part of every save, its claim number the condition, so once another
    /// replica has claimed the task nothing of this run's (not a step, not an event) is written.
    /// </summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        foreach (var held in db.ChangeTracker.Entries<TaskRecord>().Where(e => e.State is EntityState.Unchanged or EntityState.Modified))
        {
            held.Property(t => t.LeaseGeneration).IsModified = true;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException ex) when (ex.Entries.FirstOrDefault()?.Entity is TaskRecord task)
        {
            throw new ClaimLostException(task.Id, task.LeaseGeneration, ex);
        }
    }
}
