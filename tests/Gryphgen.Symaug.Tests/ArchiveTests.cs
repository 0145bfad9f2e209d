using System.Formats.Tar;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symaug.Workspaces;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// A finished task's workspace reduced to its artifacts: one archive of what Export sends, the files, git history,
/// seeds and reports deleted, and nothing left that a call could change or run.
/// </summary>
public sealed class ArchiveTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    private WorkspaceLayout LayoutOf(string id) => WorkspaceLayout.For(server.Root, Guid.Parse(id));

    [Fact]
    public async Task An_archived_workspace_keeps_its_export_alone_and_refuses_every_call_that_needs_its_files()
    {
        var id = await Client.NewWorkspaceAsync("archive");
        await Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("app.py", "print('hi')\n") } });
        await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "done", SkipTests = true });
        var exported = await Client.ExportAsync(id);

        var archived = await Client.ArchiveAsync(new WorkspaceRef { WorkspaceId = id });

        Assert.Equal(exported.Keys.Order(), (await Client.ExportAsync(id)).Keys.Order());
        Assert.Equal("print('hi')\n", (await Client.ExportAsync(id))["app.py"].Content);
        Assert.Equal([LayoutOf(id).Archive], Directory.EnumerateFileSystemEntries(LayoutOf(id).Folder));
        Assert.Equal(new FileInfo(LayoutOf(id).Archive).Length, archived.ArchiveBytes);
        Assert.Equal(["workspace created", "done"], (await Client.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = id })).Checkpoints.Select(c => c.Message));
        foreach (var call in LiveCalls(id))
        {
            var refused = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains("archived", refused.Status.Detail);
        }
        // A repeated Archive (a retention sweep that crashed after the call) answers as the first did.
        Assert.Equal(archived, await Client.ArchiveAsync(new WorkspaceRef { WorkspaceId = id }));
    }

    [Fact]
    public async Task The_archive_holds_the_pristine_seeds_and_links_as_links_whatever_a_run_left()
    {
        var id = await Client.NewWorkspaceAsync("archive-hostile");
        await Client.RunAsync(Shell(id, "echo 'def test_app(): assert False' > tests/test_app.py; ln -s /etc/shadow leak; ln -s / root"));

        await Client.ArchiveAsync(new WorkspaceRef { WorkspaceId = id });
        var entries = await Client.ExportAsync(id);

        Assert.Equal("def test_app(): pass\n", entries["tests/test_app.py"].Content);
        Assert.Equal((TarEntryType.SymbolicLink, "/etc/shadow"), (entries["leak"].Type, entries["leak"].LinkName));
        Assert.Equal((TarEntryType.SymbolicLink, "/"), (entries["root"].Type, entries["root"].LinkName));
        Assert.DoesNotContain(entries.Keys, name => name.StartsWith("root/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_archived_workspace_stays_archived_across_a_restart_and_Delete_removes_its_archive()
    {
        var id = await Client.NewWorkspaceAsync("archive-restart");
        await Client.ArchiveAsync(new WorkspaceRef { WorkspaceId = id });

        await server.RestartAsync();
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "tests/test_app.py" }).ResponseAsync);
        var entries = await Client.ExportAsync(id);
        await Client.DeleteAsync(new WorkspaceRef { WorkspaceId = id });

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("tests/test_app.py", entries.Keys);
        Assert.False(Directory.Exists(LayoutOf(id).Folder));
        var gone = await Assert.ThrowsAsync<RpcException>(() => Client.ArchiveAsync(new WorkspaceRef { WorkspaceId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Archive_of_no_workspace_is_refused()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.ArchiveAsync(new WorkspaceRef { WorkspaceId = "../etc" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    private IEnumerable<Func<Task>> LiveCalls(string id) =>
    [
        () => Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("x", "") } }).ResponseAsync,
        () => Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "app.py" }).ResponseAsync,
        () => Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = id }).ResponseAsync,
        () => Client.DiffAsync(new DiffRequest { WorkspaceId = id }).ResponseAsync,
        () => Client.RunAsync(Shell(id, "true")).ResponseAsync,
        () => Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "more", SkipTests = true }).ResponseAsync,
        () => Client.RevertAsync(new RevertRequest { WorkspaceId = id, CheckpointId = "HEAD" }).ResponseAsync,
    ];
}
