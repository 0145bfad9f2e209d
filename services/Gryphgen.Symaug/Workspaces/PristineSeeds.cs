using System.Security.Cryptography;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// The root-owned copy of a workspace's seed (acceptance) files, in <see cref="WorkspaceLayout.Seeds"/>, outside
/// what the sandbox sees. The verdict is only SYMAUG's if the tests that decide it are the task's own: every run
/// binds each seed read-only from here, and exports take the seeds from here, whatever the sandbox did to the
/// workspace's copies and the folders around them. Each file's SHA-256, taken at creation and stored with the
/// workspace, is checked before a test run and before an export.
/// </summary>
public sealed class PristineSeeds(WorkspaceLayout layout, IReadOnlyList<string> paths, IReadOnlyList<string> sha256)
{
    /// <summary>Writes the copy (the batch checked whole first, as any write) and returns each file's SHA-256, in path order.</summary>
    public static IReadOnlyList<string> Create(WorkspaceLayout layout, IReadOnlyCollection<FileContent> seeds, WorkspaceOptions limits)
    {
        OwnerOnlyFolder.CreateFresh(layout.Seeds);
        new WorkspaceFiles(layout.Seeds, limits, sandboxUid: null).Write(seeds, new HashSet<string>());
        return [.. seeds.Select(s => s.Path).Order(StringComparer.Ordinal).Select(p => Hash(Path.Combine(layout.Seeds, p)))];
    }

    /// <summary>Where a seed's pristine copy is on the host (bwrap's bind source, the export's entry).</summary>
    public string Source(string path) => Path.Combine(layout.Seeds, path);

    /// <summary>Refuses to go on when the copy is not what was stored at creation: then no verdict can be trusted.</summary>
    public void Verify()
    {
        if (sha256.Count != paths.Count) throw new SeedIntegrityException($"the workspace has {paths.Count} seed files but {sha256.Count} recorded hashes");
        for (var i = 0; i < paths.Count; i++)
        {
            var source = Source(paths[i]);
            if (UnixFiles.KindOf(source) != FileKind.RegularFile || Hash(source) != sha256[i])
            {
                throw new SeedIntegrityException($"the pristine copy of seed \"{paths[i]}\" is missing or changed since the workspace was created");
            }
        }
    }

    /// <summary>
    /// Puts every seed back at its path in the workspace, as SYMAUG's own file, before a run or an export. The
    /// seed's folders are made real folders again, component by component and without following anything: a link
    /// or a file in the way is unlinked and the folder recreated (for the sandbox user), so that neither this copy
    /// nor bubblewrap's mount point can be steered elsewhere by what a run left there. Only done while no run of the
    /// workspace is going on (the workspace's lock), so nothing changes the tree between the checks and the writes.
    /// </summary>
    public void PlaceInto(string filesRoot, int? sandboxUid)
    {
        foreach (var path in paths)
        {
            var current = filesRoot;
            foreach (var segment in path.Split('/')[..^1])
            {
                current = Path.Combine(current, segment);
                var kind = UnixFiles.KindOf(current);
                if (kind == FileKind.Directory) continue;
                if (kind != FileKind.Missing) File.Delete(current); // unlink: a link goes, its target is untouched
                Directory.CreateDirectory(current);
                if (sandboxUid is { } uid) UnixFiles.GiveTo(current, uid);
            }
            var target = Path.Combine(filesRoot, path);
            // Always a fresh copy: what is there may be the sandbox's file, a hard link, a folder or a FIFO.
            switch (UnixFiles.KindOf(target))
            {
                case FileKind.Directory: Directory.Delete(target, recursive: true); break; // links inside are unlinked, not followed
                case FileKind.Missing: break;
                default: File.Delete(target); break;
            }
            File.Copy(Source(path), target);
        }
    }

    /// <summary>The copy for a workspace created before SYMAUG kept one, from its first checkpoint (the seeds as written at creation).</summary>
    public static IReadOnlyList<string> Recover(WorkspaceLayout layout, IReadOnlyList<string> paths, string initialCommit, WorkspaceOptions limits)
    {
        var git = new Git.GitRepository(layout);
        var seeds = paths.Select(p => new FileContent { Path = p, Content = Google.Protobuf.ByteString.CopyFrom(git.ReadCommitted(initialCommit, p)) }).ToList();
        return Create(layout, seeds, limits);
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
