using Gryphgen.Contracts;
using Gryphgen.Symaug.Workspaces;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Hands each new workspace its own <see cref="SandboxUser"/> from the pool (<see cref="SandboxOptions.UidPoolStart"/>,
/// <see cref="SandboxOptions.UidPoolSize"/>). The workspace's user is the owner of its files folder, set at creation:
/// the sandbox cannot change it (no capability to chown, and the folder above is root's), deleting the workspace
/// frees the uid, and nothing else needs to remember it. Where SYMAUG is not root there is no user to drop to.
/// </summary>
public sealed class SandboxUsers(IOptions<SandboxOptions> options, IOptions<WorkspaceOptions> workspaces)
{
    private readonly Lock _assigning = new();

    private SandboxOptions Pool => options.Value;

    /// <summary>The user of a workspace's files folder, refused unless it is one SYMAUG hands out.</summary>
    public SandboxUser? OfWorkspace(string filesFolder)
    {
        if (!ProcessUser.IsRoot) return null;
        var uid = UnixFiles.OwnerOf(filesFolder);
        // Workspaces made before the pool belong to the single user of that time.
        if (InPool(uid) || uid == Pool.RunAsUid) return new SandboxUser(uid);
        throw new IOException($"{filesFolder} belongs to uid {uid}, which is not a sandbox user (Sandbox:UidPoolStart {Pool.UidPoolStart}, " +
                              $"Sandbox:UidPoolSize {Pool.UidPoolSize})");
    }

    /// <summary>Gives a new workspace's (still empty) files folder the lowest pool uid no other workspace has.</summary>
    public SandboxUser? Assign(string filesFolder)
    {
        if (!ProcessUser.IsRoot) return null;
        lock (_assigning)
        {
            var taken = Directory.EnumerateDirectories(workspaces.Value.Root)
                .Select(folder => new WorkspaceLayout(folder).Files)
                .Where(files => files != filesFolder && UnixFiles.KindOf(files) == FileKind.Directory)
                .Select(UnixFiles.OwnerOf).ToHashSet();
            var free = Enumerable.Range(Pool.UidPoolStart, Pool.UidPoolSize).Where(uid => !taken.Contains(uid)).Take(1).ToList();
            if (free.Count == 0)
            {
                throw new WorkspaceCapacityException($"every uid of the sandbox pool ({Pool.UidPoolSize} from {Pool.UidPoolStart}) belongs to a " +
                                                     "workspace: delete finished workspaces or raise Sandbox:UidPoolSize");
            }
            UnixFiles.GiveTo(filesFolder, free[0]);
            return new SandboxUser(free[0]);
        }
    }

    private bool InPool(int uid) => uid >= Pool.UidPoolStart && uid < Pool.UidPoolStart + (long)Pool.UidPoolSize;
}
