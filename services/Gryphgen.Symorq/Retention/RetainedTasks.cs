using Gryphgen.Symorq.Data;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Retention;

/// <summary>What the retention sweep reads and records of finished tasks, in PostgreSQL.</summary>
public sealed class RetainedTasks(OrchestratorDbContext db)
{
    private const int Batch = 100;

    /// <summary>A finished task the sweep acts on: which workspace, and where the next batch starts after it.</summary>
    public sealed record Retained(string Id, string WorkspaceId, DateTimeOffset FinishedAt);

    /// <summary>Finished before <paramref name="finishedBefore"/>, artifacts not yet deleted, oldest first.</summary>
    public IAsyncEnumerable<Retained> HoldingArtifactsAsync(DateTimeOffset finishedBefore, CancellationToken ct) =>
        InBatchesAsync(db.Tasks.Where(t => t.FinishedAt < finishedBefore && t.ArtifactsDeletedAt == null), ct);

    /// <summary>Finished before <paramref name="finishedBefore"/>, workspace not yet archived, oldest first.</summary>
    public IAsyncEnumerable<Retained> HoldingWorkspacesAsync(DateTimeOffset finishedBefore, CancellationToken ct) =>
        InBatchesAsync(db.Tasks.Where(t => t.FinishedAt < finishedBefore && t.ArchivedAt == null && t.ArtifactsDeletedAt == null), ct);

    /// <summary>The workspace is archived: the events' snapshots go with it, in one transaction with the mark.</summary>
    public Task MarkArchivedAsync(string taskId, DateTimeOffset at, CancellationToken ct) => DropSnapshotsAndAsync(taskId,
        tasks => tasks.ExecuteUpdateAsync(u => u.SetProperty(t => t.ArchivedAt, at), ct), ct);

    /// <summary>The artifacts are deleted (and the snapshots, if the workspace was never archived).</summary>
    public Task MarkArtifactsDeletedAsync(string taskId, DateTimeOffset at, CancellationToken ct) => DropSnapshotsAndAsync(taskId,
        tasks => tasks.ExecuteUpdateAsync(u => u.SetProperty(t => t.ArtifactsDeletedAt, at).SetProperty(t => t.ArchivedAt, t => t.ArchivedAt ?? at), ct), ct);

    private Task DropSnapshotsAndAsync(string taskId, Func<IQueryable<TaskRecord>, Task<int>> mark, CancellationToken ct) =>
        // The retrying strategy runs the transaction as one unit: a PostgreSQL restart mid-way retries all of it.
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Events.Where(e => e.TaskId == taskId && e.Snapshot != null).ExecuteUpdateAsync(u => u.SetProperty(e => e.Snapshot, (string?)null), ct);
            await mark(db.Tasks.Where(t => t.Id == taskId));
            await transaction.CommitAsync(ct);
        });

    /// <summary>
    /// The tasks in (finished, id) order, a batch at a time, each batch after the last one seen: a task the sweep
    /// could not act on (SYMAUG down) is passed over until the next sweep instead of being read again and again.
    /// </summary>
    private async IAsyncEnumerable<Retained> InBatchesAsync(IQueryable<TaskRecord> due,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        DateTimeOffset? afterFinished = null;
        var afterId = "";
        while (true)
        {
            var batch = await due.AsNoTracking()
                .Where(t => afterFinished == null || t.FinishedAt > afterFinished || (t.FinishedAt == afterFinished && string.Compare(t.Id, afterId) > 0))
                .OrderBy(t => t.FinishedAt).ThenBy(t => t.Id).Take(Batch)
                .Select(t => new Retained(t.Id, t.WorkspaceId, t.FinishedAt!.Value))
                .ToListAsync(ct);
            foreach (var task in batch) yield return task;
            if (batch.Count < Batch) yield break;
            (afterFinished, afterId) = (batch[^1].FinishedAt, batch[^1].Id);
        }
    }
}
