using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// The workspace's text files as the roles see them, read from SYMAUG in one call whenever the workspace may have
/// changed (after a test run or a revert). Large or binary files are left out: the agents pack the prompt to the
/// model's window anyway.
/// </summary>
public static class WorkspaceSnapshot
{
    public const long MaxFileBytes = 64 * 1024;
    public const long MaxTotalBytes = 512 * 1024;

    public static async Task<IReadOnlyList<WorkspaceFile>> ReadAsync(Workspaces.WorkspacesClient workspaces, string workspaceId, CancellationToken ct)
    {
        var reply = await workspaces.ReadTextFilesAsync(
            new ReadTextFilesRequest { WorkspaceId = workspaceId, MaxFileBytes = MaxFileBytes, MaxTotalBytes = MaxTotalBytes }, cancellationToken: ct);
        return [.. reply.Files.Select(f => new WorkspaceFile { Path = f.Path, Content = f.Content.ToStringUtf8() })];
    }
}
