using Grpc.Core;
using Gryphgen.Contracts;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Retention;

/// <summary>
/// Applies <see cref="RetentionOptions"/> now and every <see cref="RetentionOptions.SweepInterval"/>: finished tasks
/// past <c>ArtifactsFor</c> lose their workspace's archive, those past <c>WorkspacesFor</c> have their workspace
/// archived and their events' snapshots dropped. Every effect is idempotent (SYMAUG's Archive and Delete answer a
/// repeat as the first), so replicas sweeping at once, or a sweep cut off midway, do no harm.
/// </summary>
public sealed partial class RetentionSweep(
    IServiceScopeFactory scopes, Workspaces.WorkspacesClient workspaces, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // PostgreSQL away: the next sweep tries again.
                LogSweepFailed(logger, ex);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tasks = scope.ServiceProvider.GetRequiredService<RetainedTasks>();
        var now = time.GetUtcNow();
        // Deletions first: a task past both limits is not archived only to be deleted.
        await foreach (var task in tasks.HoldingArtifactsAsync(now - options.Value.ArtifactsFor, ct))
        {
            if (await TryAsync(task, "delete its artifacts", () => workspaces.DeleteAsync(new WorkspaceRef { WorkspaceId = task.WorkspaceId }, cancellationToken: ct).ResponseAsync))
            {
                await tasks.MarkArtifactsDeletedAsync(task.Id, time.GetUtcNow(), ct);
                LogArtifactsDeleted(logger, task.Id);
            }
        }
        await foreach (var task in tasks.HoldingWorkspacesAsync(now - options.Value.WorkspacesFor, ct))
        {
            if (await TryAsync(task, "archive its workspace", () => workspaces.ArchiveAsync(new WorkspaceRef { WorkspaceId = task.WorkspaceId }, cancellationToken: ct).ResponseAsync))
            {
                await tasks.MarkArchivedAsync(task.Id, time.GetUtcNow(), ct);
                LogArchived(logger, task.Id);
            }
        }
    }

    /// <summary>
    /// SYMAUG's part of the effect; false when it did not happen (the task waits for the next sweep). A task that never
    /// got a workspace, or whose workspace is gone already, has nothing there to do.
    /// </summary>
    private async Task<bool> TryAsync(RetainedTasks.Retained task, string what, Func<Task> call)
    {
        if (task.WorkspaceId.Length == 0) return true;
        try
        {
            await call();
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return true;
        }
        catch (RpcException ex)
        {
            LogEffectFailed(logger, task.Id, what, ex.Status.Detail, ex.StatusCode);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention sweep failed; the next one tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention could not {What} for task {TaskId} ({Code}: {Detail}); the next sweep tries again")]
    private static partial void LogEffectFailed(ILogger logger, string taskId, string what, string detail, StatusCode code);

    [LoggerMessage(Level = LogLevel.Information, Message = "task {TaskId}: workspace archived, event snapshots dropped (retention)")]
    private static partial void LogArchived(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "task {TaskId}: artifacts deleted (retention)")]
    private static partial void LogArtifactsDeleted(ILogger logger, string taskId);
}
