using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// The workspace's text files as the roles see them. Read from SYMAUG each time, so after a revert the roles see
/// the reverted files. Large or binary files are left out: the agents pack the prompt to the model's window anyway.
/// </summary>
public static class WorkspaceSnapshot
{
    public const long MaxFileBytes = 64 * 1024;
    public const long MaxTotalBytes = 512 * 1024;

    public static async Task<IReadOnlyList<WorkspaceFile>> ReadAsync(Workspaces.WorkspacesClient workspaces, string workspaceId, CancellationToken ct)
    {
        var listed = await workspaces.ListFilesAsync(new WorkspaceRef { WorkspaceId = workspaceId }, cancellationToken: ct);
        var files = new List<WorkspaceFile>();
        long total = 0;
        foreach (var entry in listed.Files.Where(f => f.Size <= MaxFileBytes).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if ((total += entry.Size) > MaxTotalBytes) break;
            var content = await workspaces.ReadFileAsync(new ReadFileRequest { WorkspaceId = workspaceId, Path = entry.Path }, cancellationToken: ct);
            if (content.Content.Span.Contains((byte)0)) continue;
            files.Add(new WorkspaceFile { Path = entry.Path, Content = content.Content.ToStringUtf8() });
        }
        return files;
    }
}
