using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Missions;
using Gryphgen.Symaug.Acceptance;
using Gryphgen.Symaug.Data;
using Gryphgen.Symaug.Git;
using Gryphgen.Symaug.Sandbox;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>SYMAUG's workspace API: files, sandboxed runs and tests, git checkpoints, export.</summary>
public sealed class WorkspacesService(
    WorkspaceStore store, WorkspaceLocks locks, WorkspaceFence fence, HostCapabilities capabilities, SandboxedRunner runner,
    AcceptanceTestRunner acceptance, BubblewrapSandbox sandbox, DiskFloor floor, IOptions<SandboxOptions> sandboxOptions,
    IOptions<WorkspaceOptions> workspaceOptions)
    : Contracts.Workspaces.WorkspacesBase
{
    public override async Task<WorkspaceInfo> Create(CreateWorkspaceRequest request, ServerCallContext context)
    {
        var (workspace, initial) = await store.CreateAsync(request, context.CancellationToken);
        return new WorkspaceInfo
        {
            WorkspaceId = workspace.Id.ToString(), TaskId = workspace.TaskId,
            ProtectedPaths = { workspace.ProtectedPaths }, InitialCheckpointId = initial.Commit,
        };
    }

    public override async Task<WriteFilesReply> WriteFiles(WriteFilesRequest request, ServerCallContext context)
    {
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        await fence.PassAsync(workspace, request.Fence, context.CancellationToken);
        return new WriteFilesReply { Written = store.Files(workspace).Write(request.Files, WorkspaceStore.ProtectedPaths(workspace)) };
    }

    public override async Task<FileContent> ReadFile(ReadFileRequest request, ServerCallContext context)
    {
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        return new FileContent { Path = request.Path, Content = ByteString.CopyFrom(store.Files(workspace).Read(request.Path)) };
    }

    public override async Task<ListFilesReply> ListFiles(WorkspaceRef request, ServerCallContext context)
    {
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        var protectedPaths = WorkspaceStore.ProtectedPaths(workspace);
        return new ListFilesReply
        {
            Files = { store.Files(workspace).List().Select(f => new FileEntry { Path = f.Path, Size = f.Size, Protected = protectedPaths.Contains(f.Path) }) },
        };
    }

    public override async Task<ReadTextFilesReply> ReadTextFiles(ReadTextFilesRequest request, ServerCallContext context)
    {
        var limit = workspaceOptions.Value.MaxFileBytes;
        if (request.MaxFileBytes < 1 || request.MaxFileBytes > limit)
        {
            throw new WorkspaceInputException($"max_file_bytes must be between 1 and {limit}, not {request.MaxFileBytes}");
        }
        if (request.MaxTotalBytes < 1 || request.MaxTotalBytes > WorkspaceFiles.MaxTextReplyBytes)
        {
            throw new WorkspaceInputException($"max_total_bytes must be between 1 and {WorkspaceFiles.MaxTextReplyBytes}, not {request.MaxTotalBytes}");
        }
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        var (files, leftOut) = store.Files(workspace).ReadText(request.MaxFileBytes, request.MaxTotalBytes);
        return new ReadTextFilesReply
        {
            Files = { files.Select(f => new FileContent { Path = f.Path, Content = ByteString.CopyFrom(f.Content) }) }, LeftOut = leftOut,
        };
    }

    public override async Task<DiffReply> Diff(DiffRequest request, ServerCallContext context)
    {
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        var checkpoint = await store.FindCheckpointAsync(workspace, request.CheckpointId, context.CancellationToken);
        var diff = await new GitRepository(store.Layout(workspace)).DiffAsync(checkpoint.Commit, context.CancellationToken);
        var limit = workspaceOptions.Value.MaxDiffBytes;
        return diff.Length <= limit
            ? new DiffReply { UnifiedDiff = diff }
            : new DiffReply { UnifiedDiff = diff[..limit], Truncated = true };
    }

    public override async Task<DeleteWorkspaceReply> Delete(WorkspaceRef request, ServerCallContext context)
    {
        using var locked = await LockAsync(request.WorkspaceId, store.GetEvenArchivedAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        await store.DeleteAsync(workspace, context.CancellationToken);
        return new DeleteWorkspaceReply();
    }

    public override async Task<RunResult> Run(RunRequest request, ServerCallContext context)
    {
        if (request.Command.Count == 0) throw new WorkspaceInputException("the command is empty");
        if (request.Command.Any(a => a.Contains('\0'))) throw new WorkspaceInputException("the command contains a NUL character");
        SandboxEnvironment.Check(request.Environment);
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        var run = await SandboxRunAsync(workspace, request.Command, request.Limits);
        return await runner.RunAsync(
            run with { StandardInput = request.Stdin.ToByteArray(), Environment = request.Environment.ToDictionary() },
            context.CancellationToken);
    }

    public override async Task<TestReport> Test(TestRequest request, ServerCallContext context)
    {
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        return await TestAsync(workspace, request.Limits, context.CancellationToken);
    }

    public override async Task<CheckpointInfo> Checkpoint(CheckpointRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Message)) throw new WorkspaceInputException("a checkpoint needs a message");
        if (request.Key.Length > 0 && !CheckpointKeys.IsValid(request.Key))
        {
            throw new WorkspaceInputException($"a checkpoint key is 1 to {CheckpointKeys.MaxLength} letters, digits, '.', '_' or '-'");
        }
        var key = request.Key.Length > 0 ? request.Key : null;
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        await fence.PassAsync(workspace, request.Fence, context.CancellationToken);
        if (key is not null && await store.FindKeyedCheckpointAsync(workspace, key, context.CancellationToken) is { } made)
        {
            var replay = ToInfo(made);
            replay.Report = made.Report?.ToReport(replay.Summary);
            replay.Replayed = true;
            return replay;
        }
        var report = request.SkipTests ? null : await TestAsync(workspace, request.Limits, context.CancellationToken);
        var summary = report?.Summary;
        var message = summary is null ? request.Message
            : $"{request.Message}\n\nTests: {summary.Passed} passed, {summary.Failed} failed, {summary.Errored} errored, {summary.Skipped} skipped";
        var commit = store.CommitAll(workspace, message);
        var info = ToInfo(await store.AddCheckpointAsync(workspace, commit, request.Message, report, key, context.CancellationToken));
        info.Report = report;
        return info;
    }

    public override async Task<ListCheckpointsReply> ListCheckpoints(WorkspaceRef request, ServerCallContext context)
    {
        var workspace = await store.GetEvenArchivedAsync(request.WorkspaceId, context.CancellationToken);
        return new ListCheckpointsReply { Checkpoints = { (await store.CheckpointsAsync(workspace, context.CancellationToken)).Select(ToInfo) } };
    }

    public override async Task<CheckpointInfo> Revert(RevertRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.CheckpointId)) throw new WorkspaceInputException("name the checkpoint to revert to");
        using var locked = await LockAsync(request.WorkspaceId, store.GetAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        await fence.PassAsync(workspace, request.Fence, context.CancellationToken);
        var checkpoint = await store.FindCheckpointAsync(workspace, request.CheckpointId, context.CancellationToken);
        await new GitRepository(store.Layout(workspace)).RestoreAsync(checkpoint.Commit, sandbox, store.User(workspace), context.CancellationToken);
        return ToInfo(checkpoint);
    }

    public override async Task<CheckpointInfo> BestCheckpoint(WorkspaceRef request, ServerCallContext context)
    {
        var workspace = await store.GetEvenArchivedAsync(request.WorkspaceId, context.CancellationToken);
        return ToInfo(await store.BestCheckpointAsync(workspace, context.CancellationToken));
    }

    public override async Task Export(WorkspaceRef request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context)
    {
        using var locked = await LockAsync(request.WorkspaceId, store.GetEvenArchivedAsync, context.CancellationToken);
        var workspace = locked.Workspace;
        if (workspace.ArchivedAt is not null)
        {
            await using var kept = File.OpenRead(store.Layout(workspace).Archive);
            await WorkspaceExport.SendAsync(kept, responseStream, context.CancellationToken);
            return;
        }
        var seeds = store.RestoreSeeds(workspace);
        var pipe = new Pipe();
        var writing = WriteIntoAsync(pipe.Writer);
        await using (var archive = pipe.Reader.AsStream()) await WorkspaceExport.SendAsync(archive, responseStream, context.CancellationToken);
        await writing;

        async Task WriteIntoAsync(PipeWriter writer)
        {
            // Disposing the writer's stream completes the pipe, so the reader ends even when writing fails.
            await using var output = writer.AsStream();
            await WorkspaceExport.WriteAsync(store.Layout(workspace).Files, seeds, WorkspaceStore.ProtectedPaths(workspace), output, context.CancellationToken);
        }
    }

    public override async Task<ArchiveReply> Archive(WorkspaceRef request, ServerCallContext context)
    {
        using var locked = await LockAsync(request.WorkspaceId, store.GetEvenArchivedAsync, context.CancellationToken);
        var workspace = await store.ArchiveAsync(locked.Workspace, context.CancellationToken);
        return new ArchiveReply
        {
            ArchiveBytes = new FileInfo(store.Layout(workspace).Archive).Length, ArchivedUnixMs = workspace.ArchivedAt!.Value.ToUnixTimeMilliseconds(),
        };
    }

    /// <summary>
    /// The workspace with its lock held, looked up again once it is: an Archive that held the lock first has deleted
    /// the files this call was about to use (and made the record say so).
    /// </summary>
    private async Task<LockedWorkspace> LockAsync(string id, Func<string, CancellationToken, Task<Workspace>> get, CancellationToken cancellationToken)
    {
        var found = await get(id, cancellationToken);
        var held = await locks.AcquireAsync(found.Id, cancellationToken);
        try
        {
            return new LockedWorkspace(await get(id, cancellationToken), held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private sealed record LockedWorkspace(Workspace Workspace, IDisposable Lock) : IDisposable
    {
        public void Dispose() => Lock.Dispose();
    }

    private async Task<TestReport> TestAsync(Workspace workspace, RunLimits? limits, CancellationToken cancellationToken)
    {
        if (workspace.AcceptanceCommand.Count == 0)
        {
            throw new WorkspaceInputException($"workspace {workspace.Id} was created without an acceptance test command");
        }
        var run = await SandboxRunAsync(workspace, workspace.AcceptanceCommand, limits);
        var test = new AcceptanceTest { Command = { workspace.AcceptanceCommand }, Format = workspace.AcceptanceFormat };
        var steering = HarnessSteeringFiles.Find(store.Files(workspace), WorkspaceStore.ProtectedPaths(workspace), workspace.AllowedHarnessFiles.ToHashSet(StringComparer.Ordinal));
        return await acceptance.RunAsync(run, test, store.Layout(workspace).Reports, steering, cancellationToken);
    }

    private async Task<SandboxRun> SandboxRunAsync(Workspace workspace, IReadOnlyList<string> command, RunLimits? limits)
    {
        var report = await capabilities.GetAsync();
        if (!report.Sandbox.Available) throw new SandboxUnavailableException(report.Sandbox.Detail);
        floor.Check();
        var timeLimit = sandboxOptions.Value.TimeLimit(limits?.TimeLimitMs ?? 0);
        var outputLimit = sandboxOptions.Value.OutputLimit(limits?.OutputLimitBytes ?? 0);
        // Every run sees the task's own seeds, bound from the pristine copy at their paths, whatever an earlier run
        // did to the workspace's folders.
        var seeds = store.RestoreSeeds(workspace);
        return new SandboxRun(store.Layout(workspace).Files, command, timeLimit, outputLimit)
        {
            ProtectedFiles = [.. workspace.ProtectedPaths.Select(p => (seeds.Source(p), p))],
            Quota = workspaceOptions.Value.Quota,
            Image = workspace.Image,
        };
    }

    private static CheckpointInfo ToInfo(Checkpoint checkpoint) => new()
    {
        CheckpointId = checkpoint.Commit, Message = checkpoint.Message, Tested = checkpoint.Tested,
        CreatedUnixMs = checkpoint.CreatedAt.ToUnixTimeMilliseconds(),
        Summary = new TestSummary { Passed = checkpoint.Passed, Failed = checkpoint.Failed, Errored = checkpoint.Errored, Skipped = checkpoint.Skipped },
    };
}
