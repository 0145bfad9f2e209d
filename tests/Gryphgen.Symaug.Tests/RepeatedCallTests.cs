using Grpc.Core;
using Gryphgen.Contracts;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// A step repeated after a crash repeats its calls: Create and a keyed Checkpoint find what the first call made
/// instead of making it twice. And a caller that lost the task (an older fence) changes nothing.
/// </summary>
public sealed class RepeatedCallTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    private static CreateWorkspaceRequest Request(string taskId, long fence = 0) => new()
    {
        TaskId = taskId, Fence = fence, SeedFiles = { File("check.sh", "echo run >> runs.log; test -f ok\n") },
        Acceptance = new AcceptanceTest { Command = { "/bin/sh", "check.sh" } },
    };

    [Fact]
    public async Task A_second_Create_for_a_task_returns_its_workspace_and_a_different_one_is_refused()
    {
        var taskId = TaskIds.New("again");
        var first = await Client.CreateAsync(Request(taskId));
        var again = await Client.CreateAsync(Request(taskId));
        var other = Request(taskId);
        other.SeedFiles[0].Content = Google.Protobuf.ByteString.CopyFromUtf8("exit 0\n");
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAsync(other).ResponseAsync);

        Assert.Equal(first.WorkspaceId, again.WorkspaceId);
        Assert.Equal(first.InitialCheckpointId, again.InitialCheckpointId);
        Assert.Equal(StatusCode.AlreadyExists, refused.StatusCode);
        Assert.Contains(first.WorkspaceId, refused.Status.Detail);
        Assert.Single((await Client.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = first.WorkspaceId })).Checkpoints);
    }

    [Fact]
    public async Task Creates_racing_for_one_task_all_get_the_same_workspace()
    {
        var taskId = TaskIds.New("race");
        var created = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Client.CreateAsync(Request(taskId)).ResponseAsync));

        Assert.Single(created.Select(c => c.WorkspaceId).Distinct());
    }

    [Fact]
    public async Task A_keyed_checkpoint_called_again_returns_the_first_with_its_report_and_neither_tests_nor_commits_again()
    {
        var id = (await Client.CreateAsync(Request(TaskIds.New("keyed")))).WorkspaceId;
        var checkpoint = new CheckpointRequest { WorkspaceId = id, Message = "iteration 1", Key = "iteration-1" };
        var first = await Client.CheckpointAsync(checkpoint);
        await Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("ok", "") } });
        var again = await Client.CheckpointAsync(checkpoint);
        var next = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "iteration 2", Key = "iteration-2" });

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.CheckpointId, again.CheckpointId);
        Assert.Equal(new TestSummary { Failed = 1 }, again.Summary);
        Assert.Equal(first.Report.Passed, again.Report.Passed);
        Assert.Equal(first.Report.Run.ExitCode, again.Report.Run.ExitCode);
        Assert.Equal(first.Report.Failures.Select(f => f.Message), again.Report.Failures.Select(f => f.Message));
        Assert.Equal(new TestSummary { Passed = 1 }, next.Summary);
        var all = await Client.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = id });
        Assert.Equal(["workspace created", "iteration 1", "iteration 2"], all.Checkpoints.Select(c => c.Message));
        // Two acceptance runs, not three: the repeated call ran nothing.
        var log = await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "runs.log" });
        Assert.Equal("run\nrun\n", log.Content.ToStringUtf8());
    }

    [Theory]
    [InlineData("iteration 1")]
    [InlineData("../x")]
    [InlineData("a-key-far-longer-than-sixty-four-characters-is-not-a-key-at-all-no")]
    public async Task A_checkpoint_key_out_of_shape_is_refused(string key)
    {
        var id = (await Client.CreateAsync(Request(TaskIds.New("bad-key")))).WorkspaceId;
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "m", Key = key, SkipTests = true }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public async Task A_caller_with_an_older_fence_changes_nothing_and_a_newer_one_takes_over()
    {
        var taskId = TaskIds.New("fenced");
        var id = (await Client.CreateAsync(Request(taskId, fence: 4))).WorkspaceId;
        var initial = (await Client.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = id })).Checkpoints.Single();
        // A newer claim (another replica) writes; the old one, not knowing it lost the task, tries every change.
        await Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Fence = 5, Files = { File("app.py", "new\n") } });

        var stale = new Func<Task>[]
        {
            () => Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Fence = 4, Files = { File("app.py", "old\n") } }).ResponseAsync,
            () => Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Fence = 4, Message = "old", SkipTests = true }).ResponseAsync,
            () => Client.RevertAsync(new RevertRequest { WorkspaceId = id, Fence = 4, CheckpointId = initial.CheckpointId }).ResponseAsync,
            () => Client.CreateAsync(Request(taskId, fence: 4)).ResponseAsync,
            () => Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("app.py", "unfenced\n") } }).ResponseAsync,
        };
        foreach (var call in stale)
        {
            Assert.Equal(StatusCode.Aborted, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);
        }

        Assert.Equal("new\n", (await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "app.py" })).Content.ToStringUtf8());
        Assert.Single((await Client.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = id })).Checkpoints);
        var newer = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Fence = 6, Message = "newer", SkipTests = true });
        Assert.False(string.IsNullOrEmpty(newer.CheckpointId));
    }
}
