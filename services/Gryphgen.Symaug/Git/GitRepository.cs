using Gryphgen.Symaug.Sandbox;
using LibGit2Sharp;
using Gryphgen.Symaug.Workspaces;

namespace Gryphgen.Symaug.Git;

/// <summary>
/// A workspace's checkpoints as git commits. The repository lives beside the files, not in them, so code in the
/// sandbox can neither see nor rewrite it; git runs on the host with no user or system configuration, so nothing
/// but these commands decides what it does.
/// </summary>
public sealed class GitRepository(WorkspaceLayout layout)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // Where a confined git sees the work tree, the repository and its scratch index.
    private const string ConfinedWorkTree = SandboxRun.WorkspaceMount, ConfinedGitDir = "/git", ConfinedScratch = "/scratch";

    private static readonly Dictionary<string, string> IsolatedConfiguration = new()
    {
        ["GIT_CONFIG_NOSYSTEM"] = "1", ["GIT_CONFIG_GLOBAL"] = "/dev/null", ["GIT_TERMINAL_PROMPT"] = "0",
    };

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        await GitAsync(["init", "--quiet", "--initial-branch=checkpoints"], cancellationToken);
    }

    /// <summary>
    /// Commits the whole working tree exactly as it is (ignored files too) and returns the commit. In-process
    /// (libgit2): a checkpoint is taken every iteration, and the git processes cost more than the commit.
    /// </summary>
    public string CommitAll(string message, DateTimeOffset when)
    {
        InProcessGit.Isolate();
        using var repository = new Repository(layout.Git, new RepositoryOptions { WorkingDirectoryPath = layout.Files });
        Commands.Stage(repository, "*", new StageOptions { IncludeIgnored = true });
        var author = new Signature(InProcessGit.Name, InProcessGit.Email, when);
        var commit = repository.Commit(message, author, author, new CommitOptions { AllowEmptyCommit = true });
        return commit.Sha;
    }

    /// <summary>A file's content as committed (from the repository, which the sandbox cannot reach).</summary>
    public byte[] ReadCommitted(string commit, string path)
    {
        InProcessGit.Isolate();
        using var repository = new Repository(layout.Git);
        var blob = repository.Lookup<Commit>(commit)?[path]?.Target as Blob
                   ?? throw new IOException($"\"{path}\" is not a file in commit {commit}");
        using var content = blob.GetContentStream();
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Makes the working tree exactly that commit: its files, nothing else. History is kept. git writes the tree
    /// confined and as the sandbox user, so the files come out the sandbox's without a chown and no link the sandbox
    /// planted takes a root process anywhere: it sees the repository read-only and writes only the work tree and a
    /// copy of the index. Then root makes the checkpoints' own index the commit, from the objects alone.
    /// </summary>
    public async Task RestoreAsync(string commit, BubblewrapSandbox sandbox, SandboxUser? user, CancellationToken cancellationToken)
    {
        // Root's while root fills it, so nothing can plant a link where root copies the index to.
        var scratch = Path.Combine(layout.Folder, $"restore-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var index = Path.Combine(scratch, "index");
            var checkpointsIndex = Path.Combine(layout.Git, "index");
            // With the checkpoints' index git leaves files that did not change alone (the protected seeds among them).
            if (File.Exists(checkpointsIndex)) File.Copy(checkpointsIndex, index);
            if (user is { Uid: var uid })
            {
                if (File.Exists(index)) UnixFiles.GiveTo(index, uid);
                UnixFiles.GiveTo(scratch, uid);
            }
            SandboxBind[] binds =
            [
                new(layout.Files, ConfinedWorkTree, Writable: true), new(layout.Git, ConfinedGitDir, Writable: false),
                new(scratch, ConfinedScratch, Writable: true),
            ];
            var environment = new Dictionary<string, string>(IsolatedConfiguration) { ["GIT_INDEX_FILE"] = $"{ConfinedScratch}/index" };
            foreach (var step in new[] { ["read-tree", "--reset", "-u", commit], new[] { "clean", "-ffdxq" } })
            {
                var result = await sandbox.RunAsSandboxUserAsync(user, binds, environment,
                    ["git", .. Arguments(ConfinedGitDir, ConfinedWorkTree, step)], Timeout, cancellationToken);
                ThrowIfFailed(step, result);
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        await GitAsync(["read-tree", commit], cancellationToken);
    }

    /// <summary>The working tree (new files included) against a commit, as a unified diff.</summary>
    public async Task<string> DiffAsync(string commit, CancellationToken cancellationToken)
    {
        // A throw-away index, so that untracked files show up without touching the checkpoints' index.
        var index = Path.Combine(layout.Folder, $"diff-index-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
        try
        {
            await GitAsync(["add", "--all", "--force", "."], cancellationToken, environment);
            return await GitAsync(["diff", "--cached", "--no-color", "--no-ext-diff", commit], cancellationToken, environment);
        }
        finally
        {
            File.Delete(index);
        }
    }

    private async Task<string> GitAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        Dictionary<string, string>? environment = null)
    {
        var result = await ProcessRunner.RunAsync("git", Arguments(layout.Git, layout.Files, arguments),
            Timeout, cancellationToken, new Dictionary<string, string>([.. IsolatedConfiguration, .. environment ?? []]));
        ThrowIfFailed(arguments, result);
        return result.StandardOutput;
    }

    private static string[] Arguments(string gitDir, string workTree, IReadOnlyList<string> arguments) =>
    [
        "--git-dir", gitDir, "--work-tree", workTree, "-C", workTree,
        "-c", $"user.name={InProcessGit.Name}", "-c", $"user.email={InProcessGit.Email}", "-c", "commit.gpgsign=false",
        "-c", "core.autocrlf=false", "-c", "core.excludesFile=/dev/null", "-c", "core.hooksPath=/dev/null", .. arguments,
    ];

    private static void ThrowIfFailed(IReadOnlyList<string> arguments, ProcessResult result)
    {
        if (!result.Succeeded) throw new IOException($"git {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError.Trim()}");
    }
}
