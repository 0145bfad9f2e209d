using Gryphgen.Symaug.Data;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// Fencing of a workspace's changes. Each change carries the caller's claim on the task (SYMORQ's lease generation,
/// which grows with every claim). The check and the raise are one conditional UPDATE in PostgreSQL, taken under the
/// workspace's lock before the change: once a newer claim has touched the workspace, a replica still holding an older
/// one (it lost its lease but has not noticed yet) changes nothing.
/// </summary>
public sealed class WorkspaceFence(WorkspaceDbContext db)
{
    /// <summary>Raises the workspace's fence to <paramref name="fence"/>, or refuses a caller whose claim is older than one seen.</summary>
    public async Task PassAsync(Workspace workspace, long fence, CancellationToken cancellationToken)
    {
        var passed = await db.Workspaces.Where(w => w.Id == workspace.Id && w.Fence <= fence)
            .ExecuteUpdateAsync(u => u.SetProperty(w => w.Fence, fence), cancellationToken);
        if (passed == 0)
        {
            throw new StaleFenceException($"workspace {workspace.Id} is worked by a newer claim on task {workspace.TaskId} than fence {fence}: " +
                "this caller lost the task and may not change it");
        }
    }
}
