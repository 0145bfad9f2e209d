using System.Diagnostics;
using Grpc.Core;
using Gryphgen.Contracts;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>Writing, reading and listing a workspace's files, and every bad or hostile path refused whole.</summary>
public sealed class WorkspaceFilesTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    private Task<string> NewWorkspaceAsync() => Client.NewWorkspaceAsync("files");

    private async Task<IReadOnlyList<string>> PathsAsync(string id) =>
        [.. (await Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = id })).Files.Select(f => f.Path)];

    [Fact]
    public async Task Files_written_in_a_batch_are_read_and_listed_and_seeds_are_marked_protected()
    {
        var id = await NewWorkspaceAsync();
        var written = await Client.WriteFilesAsync(new WriteFilesRequest
        {
            WorkspaceId = id, Files = { File("app.py", "print('hi')\n"), File("pkg/deep/mod.py", "x = 1\n") },
        });

        Assert.Equal(2, written.Written);
        var read = await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "pkg/deep/mod.py" });
        Assert.Equal("x = 1\n", read.Content.ToStringUtf8());
        var list = await Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = id });
        Assert.Equal(["app.py", "pkg/deep/mod.py", "tests/test_app.py"], list.Files.Select(f => f.Path));
        Assert.True(list.Files.Single(f => f.Path == "tests/test_app.py").Protected);
        Assert.Equal(12, list.Files.Single(f => f.Path == "app.py").Size);
    }

    [Theory]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("../escape.py", "'..'")]
    [InlineData("pkg/../../escape.py", "'..'")]
    [InlineData("bad\0name.py", "NUL")]
    [InlineData("", "empty")]
    [InlineData("a//b.py", "empty")]
    [InlineData(".git/config", ".git")]
    [InlineData("tests/test_app.py", "protected")]
    public async Task A_bad_path_rejects_the_whole_batch_and_writes_nothing(string path, string reason)
    {
        var id = await NewWorkspaceAsync();
        var before = await PathsAsync(id);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteFilesAsync(new WriteFilesRequest
        {
            WorkspaceId = id, Files = { File("fine.py", "ok"), File(path, "evil") },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(reason, error.Status.Detail);
        Assert.Equal(before, await PathsAsync(id));
        Assert.Equal("def test_app(): pass\n", System.IO.File.ReadAllText(Path.Combine(server.FilesOf(id), "tests/test_app.py")));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_rejected_and_nothing_written()
    {
        var id = await NewWorkspaceAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteFilesAsync(new WriteFilesRequest
        {
            WorkspaceId = id, Files = { File("small.py", "ok"), File("big.bin", new string('x', (int)SymaugServer.MaxFileBytes + 1)) },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("byte limit", error.Status.Detail);
        Assert.DoesNotContain("small.py", await PathsAsync(id));
    }

    [Fact]
    public async Task Too_many_files_are_rejected_and_nothing_written()
    {
        var id = await NewWorkspaceAsync();
        var request = new WriteFilesRequest { WorkspaceId = id };
        request.Files.Add(Enumerable.Range(0, SymaugServer.MaxFiles).Select(i => File($"f{i}.txt", "x")));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WriteFilesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"at most {SymaugServer.MaxFiles}", error.Status.Detail);
        Assert.Equal(["tests/test_app.py"], await PathsAsync(id));
    }

    [Fact]
    public async Task A_symlink_planted_by_generated_code_is_never_followed_out_of_the_workspace()
    {
        var id = await NewWorkspaceAsync();
        var outside = Directory.CreateTempSubdirectory("gryphgen-outside-").FullName;
        System.IO.File.WriteAllText(Path.Combine(outside, "secret"), "host secret");
        try
        {
            // Inside the sandbox the targets do not even exist; on the host they do, and SYMAUG must not follow them.
            var planted = await Client.RunAsync(Shell(id, $"ln -s {outside} out && ln -s {outside}/secret secret.txt"));
            Assert.Equal(0, planted.ExitCode);

            var write = await Assert.ThrowsAsync<RpcException>(() => Client.WriteFilesAsync(new WriteFilesRequest
            {
                WorkspaceId = id, Files = { File("out/evil.txt", "evil") },
            }).ResponseAsync);
            var overwrite = await Assert.ThrowsAsync<RpcException>(() => Client.WriteFilesAsync(new WriteFilesRequest
            {
                WorkspaceId = id, Files = { File("secret.txt", "evil") },
            }).ResponseAsync);
            var read = await Assert.ThrowsAsync<RpcException>(() => Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "secret.txt" }).ResponseAsync);

            Assert.All([write, overwrite, read], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
            Assert.Contains("symlink", write.Status.Detail);
            Assert.Equal(["secret"], Directory.GetFiles(outside).Select(Path.GetFileName));
            Assert.Equal("host secret", System.IO.File.ReadAllText(Path.Combine(outside, "secret")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task Fifos_and_device_files_are_neither_read_nor_written()
    {
        var id = await NewWorkspaceAsync();
        Assert.Equal(0, (await Client.RunAsync(Shell(id, "mkfifo pipe"))).ExitCode);
        // No one in the sandbox may create a device; one left in the state folder on the host is refused all the same.
        using (var mknod = Process.Start("mknod", [Path.Combine(server.FilesOf(id), "null"), "c", "1", "3"])) await mknod.WaitForExitAsync();

        foreach (var path in new[] { "pipe", "null" })
        {
            var read = await Assert.ThrowsAsync<RpcException>(() => Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = path }).ResponseAsync);
            var write = await Assert.ThrowsAsync<RpcException>(() => Client.WriteFilesAsync(new WriteFilesRequest
            {
                WorkspaceId = id, Files = { File(path, "x") },
            }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, read.StatusCode);
            Assert.Contains("not a regular file", read.Status.Detail);
            Assert.Equal(StatusCode.InvalidArgument, write.StatusCode);
        }
        Assert.Equal(["tests/test_app.py"], await PathsAsync(id));
    }

    [Fact]
    public async Task Text_files_are_read_in_one_call_and_large_binary_and_linked_files_left_out()
    {
        var id = await NewWorkspaceAsync();
        await Client.WriteFilesAsync(new WriteFilesRequest
        {
            WorkspaceId = id, Files = { File("a.py", "print(1)\n"), File("big.txt", new string('x', 100)), File("z/b.py", "x = 2\n") },
        });
        System.IO.File.WriteAllBytes(Path.Combine(server.FilesOf(id), "blob.bin"), [1, 0, 2]);
        Assert.Equal(0, (await Client.RunAsync(Shell(id, "ln -s a.py link.py"))).ExitCode);

        var reply = await Client.ReadTextFilesAsync(new ReadTextFilesRequest { WorkspaceId = id, MaxFileBytes = 50, MaxTotalBytes = 1 << 20 });

        Assert.Equal(["a.py", "tests/test_app.py", "z/b.py"], reply.Files.Select(f => f.Path));
        Assert.Equal("x = 2\n", reply.Files[2].Content.ToStringUtf8());
        Assert.Equal(2, reply.LeftOut); // big.txt and blob.bin; the link is no file of its own

        var capped = await Client.ReadTextFilesAsync(new ReadTextFilesRequest { WorkspaceId = id, MaxFileBytes = 50, MaxTotalBytes = 12 });
        Assert.Equal(["a.py"], capped.Files.Select(f => f.Path));
    }

    [Theory]
    [InlineData(0, 1024, "max_file_bytes")]
    [InlineData(SymaugServer.MaxFileBytes + 1, 1024, "max_file_bytes")]
    [InlineData(1024, 0, "max_total_bytes")]
    [InlineData(1024, 4 << 20, "max_total_bytes")]
    public async Task Text_file_limits_out_of_range_are_refused(long maxFile, long maxTotal, string named)
    {
        var id = await NewWorkspaceAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ReadTextFilesAsync(
            new ReadTextFilesRequest { WorkspaceId = id, MaxFileBytes = maxFile, MaxTotalBytes = maxTotal }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(named, error.Status.Detail);
    }

    [Fact]
    public async Task Unknown_and_malformed_workspace_ids_are_told_apart()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = Guid.NewGuid().ToString() }).ResponseAsync);
        var malformed = await Assert.ThrowsAsync<RpcException>(() => Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = "../etc" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }

    [Fact]
    public async Task A_seed_with_a_bad_path_creates_no_workspace()
    {
        var before = Directory.GetDirectories(server.Root).Length;
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = "bad-seed", SeedFiles = { File("../outside.py", "x") },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(before, Directory.GetDirectories(server.Root).Length);
    }

    [Fact]
    public async Task A_deleted_workspace_is_gone_from_disk_and_database()
    {
        var id = await NewWorkspaceAsync();
        await Client.DeleteAsync(new WorkspaceRef { WorkspaceId = id });
        Assert.False(Directory.Exists(server.FilesOf(id)));
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
