using System.Diagnostics;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// Links generated code leaves in its workspace: no root file operation of SYMAUG (checkpoint, revert, list, read,
/// export, delete) follows a symlink or reaches a file through another of its names.
/// </summary>
public abstract class PlantedLinkTests(SymaugServer server) : IDisposable
{
    /// <summary>On the bubblewrap backend.</summary>
    public sealed class Bubblewrap(SymaugServer server) : PlantedLinkTests(server), IClassFixture<SymaugServer>;

    /// <summary>On the container backend: the same attacks, the same verdicts.</summary>
    public sealed class Container(ContainerSymaugServer server) : PlantedLinkTests(server), IClassFixture<ContainerSymaugServer>;

    // A root-owned, mode-700 host folder: what the sandbox user must never own or read, like /etc/ssl/private.
    private readonly string _hostFolder = Directory.CreateTempSubdirectory("gryphgen-root-only-").FullName;

    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    private string HostSecret => Path.Combine(_hostFolder, "secret");

    private Task<CheckpointInfo> CheckpointAsync(string id, string message) =>
        Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = message, SkipTests = true }).ResponseAsync;

    private Task<CheckpointInfo> RevertAsync(string id, CheckpointInfo to) =>
        Client.RevertAsync(new RevertRequest { WorkspaceId = id, CheckpointId = to.CheckpointId }).ResponseAsync;

    [Fact]
    public async Task A_symlink_to_a_root_only_folder_survives_checkpoint_revert_list_read_export_and_delete_and_the_folder_is_untouched()
    {
        System.IO.File.WriteAllText(HostSecret, "host secret");
        var id = await Client.NewWorkspaceAsync("links");
        await Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("app.py", "print(1)\n"), File("gone.txt", "kept\n") } });
        var beforeLink = await CheckpointAsync(id, "before the link");
        Assert.Equal(0, (await Client.RunAsync(Shell(id, $"rm gone.txt && ln -s {_hostFolder} x && ln -s {HostSecret} secret.txt"))).ExitCode);
        var withLink = await CheckpointAsync(id, "with the link");

        await RevertAsync(id, beforeLink);
        Assert.Null(new FileInfo(Path.Combine(server.FilesOf(id), "x")).LinkTarget);
        // Restored by git running as the sandbox user: its file without any chown.
        Assert.Equal($"{server.UidOf(id)} 644", await HostFiles.OwnerAndModeAsync(Path.Combine(server.FilesOf(id), "gone.txt")));
        await RevertAsync(id, withLink);
        Assert.Equal(_hostFolder, new FileInfo(Path.Combine(server.FilesOf(id), "x")).LinkTarget);
        Assert.Equal(0, (await Client.RunAsync(Shell(id, "echo more >> app.py"))).ExitCode); // the tree is still the sandbox's

        var listed = await Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = id });
        var texts = await Client.ReadTextFilesAsync(new ReadTextFilesRequest { WorkspaceId = id, MaxFileBytes = 1024, MaxTotalBytes = 1 << 20 });
        var exported = await Client.ExportAsync(id);
        Assert.Equal(["app.py", "tests/test_app.py"], listed.Files.Select(f => f.Path));
        Assert.Equal(["app.py", "tests/test_app.py"], texts.Files.Select(f => f.Path));
        Assert.Equal(["app.py", "secret.txt", "tests", "tests/test_app.py", "x"], exported.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new ExportedEntry(System.Formats.Tar.TarEntryType.SymbolicLink, _hostFolder, ""), exported["x"]);
        Assert.DoesNotContain(exported.Values, e => e.Content.Contains("host secret"));

        await Client.DeleteAsync(new WorkspaceRef { WorkspaceId = id });
        Assert.False(Directory.Exists(server.FilesOf(id)));
        Assert.Equal("0 700", await HostFiles.OwnerAndModeAsync(_hostFolder));
        Assert.Equal("0 644", await HostFiles.OwnerAndModeAsync(HostSecret));
        Assert.Equal(["secret"], Directory.GetFileSystemEntries(_hostFolder).Select(Path.GetFileName));
        Assert.Equal("host secret", System.IO.File.ReadAllText(HostSecret));
    }

    [Fact]
    public async Task A_file_with_more_than_one_name_is_neither_read_written_listed_nor_exported()
    {
        System.IO.File.WriteAllText(HostSecret, "host secret");
        var id = await Client.NewWorkspaceAsync("hard-links");
        Assert.Equal(0, (await Client.RunAsync(Shell(id, "echo mine > a.txt && ln a.txt b.txt"))).ExitCode);
        // A name of a host file, as a hard link made on the same file system would be.
        Assert.Equal(0, await RunAsync("ln", HostSecret, Path.Combine(server.FilesOf(id), "host.txt")));

        foreach (var path in new[] { "a.txt", "b.txt", "host.txt" })
        {
            var read = await Assert.ThrowsAsync<RpcException>(() => Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = path }).ResponseAsync);
            var write = await Assert.ThrowsAsync<RpcException>(() => Client.WriteFilesAsync(new WriteFilesRequest
            {
                WorkspaceId = id, Files = { File(path, "evil") },
            }).ResponseAsync);
            Assert.All([read, write], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
            Assert.Contains("hard links", read.Status.Detail);
        }
        Assert.Equal(["tests/test_app.py"], (await Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = id })).Files.Select(f => f.Path));
        Assert.Equal(["tests", "tests/test_app.py"], (await Client.ExportAsync(id)).Keys.Order(StringComparer.Ordinal));
        Assert.Equal("host secret", System.IO.File.ReadAllText(HostSecret));
        Assert.Equal("0 644", await HostFiles.OwnerAndModeAsync(HostSecret));
    }

    private static async Task<int> RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(file, arguments);
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    public void Dispose() => Directory.Delete(_hostFolder, recursive: true);
}
