using System.Security.Cryptography;
using Google.Protobuf;
using Gryphgen.Contracts;
using Gryphgen.Symaug.Data;
using Gryphgen.Symaug.Git;
using Gryphgen.Symaug.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>Workspaces and their checkpoints: metadata in PostgreSQL, files and git history on disk.</summary>
public sealed class WorkspaceStore(WorkspaceDbContext db, WorkspaceRecords records, IOptions<WorkspaceOptions> options, SandboxUsers users,
    RunImages images, WorkspaceFence fence, TimeProvider clock)
{
    private WorkspaceOptions Limits => options.Value;

    /// <summary>
    /// The task's workspace: made from the request, or the one an earlier identical request made (a step repeated
    /// after a crash gets it back rather than orphaning it).
    /// </summary>
    public async Task<(Workspace Workspace, Checkpoint Initial)> CreateAsync(CreateWorkspaceRequest request, CancellationToken cancellationToken)
    {
        var digest = RequestDigest(request);
        return await ExistingAsync(request, digest, cancellationToken) ?? await NewAsync(request, digest, cancellationToken);
    }

    private async Task<(Workspace, Checkpoint)?> ExistingAsync(CreateWorkspaceRequest request, string digest, CancellationToken cancellationToken)
    {
        var workspace = await db.Workspaces.AsNoTracking().SingleOrDefaultAsync(w => w.TaskId == request.TaskId, cancellationToken);
        if (workspace is null) return null;
        if (workspace.RequestSha256 != digest)
        {
            throw new WorkspaceConflictException($"task {request.TaskId} already has workspace {workspace.Id}, made from a different request");
        }
        await fence.PassAsync(workspace, request.Fence, cancellationToken);
        var initial = await db.Checkpoints.AsNoTracking().Where(c => c.WorkspaceId == workspace.Id).OrderBy(c => c.Id).FirstAsync(cancellationToken);
        return (workspace, initial);
    }

    /// <summary>What makes two Create requests the same one: everything but the fence, which only says who asks.</summary>
    private static string RequestDigest(CreateWorkspaceRequest request)
    {
        var unfenced = request.Clone();
        unfenced.Fence = 0;
        return Convert.ToHexStringLower(SHA256.HashData(unfenced.ToByteArray()));
    }

    private async Task<(Workspace Workspace, Checkpoint Initial)> NewAsync(CreateWorkspaceRequest request, string digest, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.TaskId) || request.TaskId.Length > Workspace.MaxTaskIdLength)
        {
            throw new WorkspaceInputException($"task id must be 1 to {Workspace.MaxTaskIdLength} characters");
        }
        if (request.Acceptance is { Command.Count: 0, Format: not TestFormat.ExitCode })
        {
            throw new WorkspaceInputException("an acceptance test with a format needs a command");
        }

        var image = await images.ChooseAsync(request.Image, cancellationToken);
        var workspace = new Workspace
        {
            Image = image,
            Id = Guid.NewGuid(), TaskId = request.TaskId, CreatedAt = clock.GetUtcNow(), Fence = request.Fence, RequestSha256 = digest,
            AcceptanceCommand = [.. request.Acceptance?.Command ?? []], AcceptanceFormat = request.Acceptance?.Format ?? TestFormat.ExitCode,
            AllowedHarnessFiles = [.. request.AllowedHarnessFiles.Select(p => WorkspacePath.Normalize(p, Limits.MaxPathLength)).Distinct().Order(StringComparer.Ordinal)],
        };
        var layout = Layout(workspace);
        Directory.CreateDirectory(layout.Files);
        try
        {
            users.Assign(layout.Files);
            // Seeds are written as SYMAUG's own user and stay so: the sandbox user cannot change them.
            workspace.SeedSha256 = [.. PristineSeeds.Create(layout, request.SeedFiles, Limits)];
            workspace.ProtectedPaths = [.. request.SeedFiles.Select(f => f.Path).Order(StringComparer.Ordinal)];
            Seeds(workspace).PlaceInto(layout.Files, sandboxUid: null);
            Files(workspace).GiveToSandbox(ProtectedPaths(workspace));

            var git = new GitRepository(layout);
            await git.InitAsync(cancellationToken);
            var commit = git.CommitAll("workspace created", clock.GetUtcNow());
            var initial = NewCheckpoint(workspace, commit, "workspace created", summary: null);
            db.Workspaces.Add(workspace);
            db.Checkpoints.Add(initial);
            await db.SaveChangesAsync(cancellationToken);
            return (workspace, initial);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same request raced this one and made the task's workspace first: that one is the answer.
            Directory.Delete(layout.Folder, recursive: true);
            db.ChangeTracker.Clear();
            return await ExistingAsync(request, digest, cancellationToken)
                   ?? throw new WorkspaceConflictException($"task {request.TaskId}'s workspace was made and deleted while this one was");
        }
        catch
        {
            Directory.Delete(layout.Folder, recursive: true);
            throw;
        }
    }

    /// <summary>A workspace whose files are live: an archived one is refused.</summary>
    public async Task<Workspace> GetAsync(string id, CancellationToken cancellationToken)
    {
        var workspace = await GetEvenArchivedAsync(id, cancellationToken);
        return workspace.ArchivedAt is { } archived
            ? throw new WorkspaceArchivedException(
                $"workspace {id} was archived at {archived:u}: only Export, ListCheckpoints, BestCheckpoint, Archive and Delete serve it")
            : workspace;
    }

    /// <summary>A workspace, live or archived: for the calls that serve both.</summary>
    public async Task<Workspace> GetEvenArchivedAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var guid)) throw new WorkspaceInputException($"\"{id}\" is not a workspace id");
        if (records.Find(guid) is { } remembered) return remembered;
        var workspace = await db.Workspaces.AsNoTracking().SingleOrDefaultAsync(w => w.Id == guid, cancellationToken)
                        ?? throw new WorkspaceNotFoundException($"no workspace {id}");
        records.Remember(workspace);
        return workspace;
    }

    public async Task DeleteAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        await db.Workspaces.Where(w => w.Id == workspace.Id).ExecuteDeleteAsync(cancellationToken);
        var folder = Layout(workspace).Folder;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        records.Forget(workspace.Id);
    }

    /// <summary>
    /// Keeps the workspace's export as its archive and deletes its live folders; the caller holds its lock. The
    /// archive is complete on disk before the record says so, and the folders go after: a crash at any point leaves a
    /// workspace that a repeated call archives (again, or only finishes deleting).
    /// </summary>
    public async Task<Workspace> ArchiveAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        var layout = Layout(workspace);
        if (workspace.ArchivedAt is null)
        {
            // Checked, not placed back: the archive reads the seeds from their pristine copy, and the files they would
            // be placed among are deleted next.
            var seeds = Seeds(workspace);
            seeds.Verify();
            var partial = layout.Archive + ".partial";
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await WorkspaceExport.WriteAsync(layout.Files, seeds, ProtectedPaths(workspace), file, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, layout.Archive, overwrite: true);
            var archivedAt = clock.GetUtcNow();
            await db.Workspaces.Where(w => w.Id == workspace.Id).ExecuteUpdateAsync(s => s.SetProperty(w => w.ArchivedAt, archivedAt), cancellationToken);
            records.Forget(workspace.Id);
            workspace = await GetEvenArchivedAsync(workspace.Id.ToString(), cancellationToken);
        }
        foreach (var folder in layout.LiveFolders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
        return workspace;
    }

    public async Task<Checkpoint> AddCheckpointAsync(Workspace workspace, string commit, string message, TestReport? report, string? key,
        CancellationToken cancellationToken)
    {
        var checkpoint = NewCheckpoint(workspace, commit, message, report?.Summary);
        checkpoint.Key = key;
        checkpoint.Report = key is null || report is null ? null : StoredTestReport.From(report);
        db.Checkpoints.Add(checkpoint);
        await db.SaveChangesAsync(cancellationToken);
        return checkpoint;
    }

    public async Task<IReadOnlyList<Checkpoint>> CheckpointsAsync(Workspace workspace, CancellationToken cancellationToken) =>
        await db.Checkpoints.AsNoTracking().Where(c => c.WorkspaceId == workspace.Id).OrderBy(c => c.Id).ToListAsync(cancellationToken);

    /// <summary>A checkpoint of this workspace by commit id; empty means the latest.</summary>
    public async Task<Checkpoint> FindCheckpointAsync(Workspace workspace, string commit, CancellationToken cancellationToken)
    {
        var checkpoints = db.Checkpoints.AsNoTracking().Where(c => c.WorkspaceId == workspace.Id);
        var found = string.IsNullOrEmpty(commit)
            ? await checkpoints.OrderByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken)
            : await checkpoints.Where(c => c.Commit == commit).OrderByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        return found ?? throw new WorkspaceNotFoundException($"no checkpoint \"{commit}\" in workspace {workspace.Id}");
    }

    /// <summary>The checkpoint the caller named <paramref name="key"/> before, if any.</summary>
    public Task<Checkpoint?> FindKeyedCheckpointAsync(Workspace workspace, string key, CancellationToken cancellationToken) =>
        db.Checkpoints.AsNoTracking().SingleOrDefaultAsync(c => c.WorkspaceId == workspace.Id && c.Key == key, cancellationToken);

    /// <summary>The tested checkpoint with the most tests passing (then the fewest failing, then the latest).</summary>
    public async Task<Checkpoint> BestCheckpointAsync(Workspace workspace, CancellationToken cancellationToken) =>
        await db.Checkpoints.AsNoTracking()
            .Where(c => c.WorkspaceId == workspace.Id && c.Tested)
            .OrderByDescending(c => c.Passed).ThenBy(c => c.Failed + c.Errored).ThenByDescending(c => c.Id)
            .FirstOrDefaultAsync(cancellationToken)
        ?? throw new WorkspaceNotFoundException($"workspace {workspace.Id} has no tested checkpoint yet");

    public WorkspaceLayout Layout(Workspace workspace) => WorkspaceLayout.For(Limits.Root, workspace.Id);

    public PristineSeeds Seeds(Workspace workspace) => new(Layout(workspace), workspace.ProtectedPaths, workspace.SeedSha256);

    /// <summary>
    /// Checks the pristine seeds and puts them back in the workspace, before anything that depends on them (a
    /// run, a test, an export); the caller holds the workspace's lock.
    /// </summary>
    public PristineSeeds RestoreSeeds(Workspace workspace)
    {
        var seeds = Seeds(workspace);
        seeds.Verify();
        seeds.PlaceInto(Layout(workspace).Files, User(workspace)?.Uid);
        return seeds;
    }

    /// <summary>
    /// Gives every workspace created before SYMAUG kept pristine seed copies one, from its first checkpoint (the
    /// seeds as SYMAUG wrote them, in a repository the sandbox never reaches). Run once at start-up, before any call.
    /// </summary>
    public async Task RecoverPristineSeedsAsync(CancellationToken cancellationToken)
    {
        var old = await db.Workspaces.Where(w => w.ArchivedAt == null && w.ProtectedPaths.Count > 0 && w.SeedSha256.Count == 0).ToListAsync(cancellationToken);
        foreach (var workspace in old)
        {
            var initial = await db.Checkpoints.AsNoTracking().Where(c => c.WorkspaceId == workspace.Id).OrderBy(c => c.Id).FirstAsync(cancellationToken);
            workspace.SeedSha256 = [.. PristineSeeds.Recover(Layout(workspace), workspace.ProtectedPaths, initial.Commit, Limits)];
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public WorkspaceFiles Files(Workspace workspace) => new(Layout(workspace).Files, Limits, User(workspace)?.Uid);

    /// <summary>The host user the workspace's code runs as (none where SYMAUG is not root).</summary>
    public SandboxUser? User(Workspace workspace) => users.OfWorkspace(Layout(workspace).Files);

    public static IReadOnlySet<string> ProtectedPaths(Workspace workspace) => workspace.ProtectedPaths.ToHashSet(StringComparer.Ordinal);

    /// <summary>Commits the workspace's whole tree as it is now (a checkpoint's commit; <see cref="AddCheckpointAsync"/> records it).</summary>
    public string CommitAll(Workspace workspace, string message) => new GitRepository(Layout(workspace)).CommitAll(message, clock.GetUtcNow());

    private Checkpoint NewCheckpoint(Workspace workspace, string commit, string message, TestSummary? summary) => new()
    {
        WorkspaceId = workspace.Id, Commit = commit, Message = message, CreatedAt = clock.GetUtcNow(),
        Tested = summary is not null, Passed = summary?.Passed ?? 0, Failed = summary?.Failed ?? 0,
        Errored = summary?.Errored ?? 0, Skipped = summary?.Skipped ?? 0,
    };
}
