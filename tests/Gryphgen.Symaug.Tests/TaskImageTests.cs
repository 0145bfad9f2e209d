using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symaug.Sandbox;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// A task's own container image (<c>sandbox.image</c>): its runs use it, and only an image the operator allowed,
/// present in the store, on the container backend; a name a runtime could read as an option is refused.
/// </summary>
public sealed class TaskImageTests
{
    // Built here from the image scripts/setup.sh builds, with a file that says which image a run is in.
    private const string Marked = "localhost/gryphgen-sandbox-marked:test";
    private const string Absent = "localhost/gryphgen-sandbox-absent:test";

    private sealed class Configured(IReadOnlyDictionary<string, string> settings) : SymaugServer(settings);

    private static async Task BuildMarkedImageAsync()
    {
        var context = Directory.CreateTempSubdirectory("gryphgen-marked-").FullName;
        try
        {
            await System.IO.File.WriteAllTextAsync(Path.Combine(context, "Containerfile"), "FROM localhost/gryphgen-sandbox:1\nRUN echo marked > /etc/gryphgen-marker\n");
            var build = await ProcessRunner.RunAsync("podman", ["build", "--network", "none", "-t", Marked, context], TimeSpan.FromMinutes(3));
            Assert.True(build.Succeeded, build.StandardError);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    private static CreateWorkspaceRequest WithImage(string image) => new()
    {
        TaskId = TaskIds.New("image"), SeedFiles = { File("tests/test_app.py", "def test_app(): pass\n") }, Image = image,
    };

    [Fact]
    public async Task Runs_of_a_workspace_whose_task_names_an_allowed_image_use_that_image_and_the_others_the_default()
    {
        await BuildMarkedImageAsync();
        var server = new Configured(new Dictionary<string, string>
        {
            ["Sandbox:Backend"] = Backends.Container, ["Sandbox:AllowedImages:0"] = Marked, ["Sandbox:AllowedImages:1"] = Absent,
        });
        await server.InitializeAsync();
        try
        {
            var marked = (await server.Client.CreateAsync(WithImage(Marked))).WorkspaceId;
            var plain = await server.Client.NewWorkspaceAsync("default-image");
            var inMarked = await server.Client.RunAsync(Shell(marked, "cat /etc/gryphgen-marker"));
            var inDefault = await server.Client.RunAsync(Shell(plain, "cat /etc/gryphgen-marker"));
            var absent = await Assert.ThrowsAsync<RpcException>(() => server.Client.CreateAsync(WithImage(Absent)).ResponseAsync);

            Assert.Equal((0, "marked\n"), (inMarked.ExitCode, inMarked.Stdout.ToStringUtf8()));
            Assert.NotEqual(0, inDefault.ExitCode);
            Assert.Equal(StatusCode.FailedPrecondition, absent.StatusCode);
            Assert.Contains(Absent, absent.Status.Detail);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("localhost/gryphgen-not-allowed:1", "Sandbox:AllowedImages")] // a reference, but not the operator's
    [InlineData("--privileged", "image reference")]
    [InlineData("localhost/x:1 --rm", "image reference")]
    [InlineData("localhost/Upper:1", "image reference")]
    public async Task An_image_the_operator_did_not_allow_or_that_is_no_reference_is_refused_and_nothing_is_made(string image, string named)
    {
        var server = new Configured(new Dictionary<string, string> { ["Sandbox:Backend"] = Backends.Container });
        await server.InitializeAsync();
        try
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client.CreateAsync(WithImage(image)).ResponseAsync);

            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(named, refused.Status.Detail);
            Assert.Empty(Directory.EnumerateDirectories(server.Root));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task On_bubblewrap_a_task_image_is_refused_naming_the_backend()
    {
        var server = new Configured(new Dictionary<string, string> { ["Sandbox:Backend"] = Backends.Bubblewrap });
        await server.InitializeAsync();
        try
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client.CreateAsync(WithImage("localhost/gryphgen-sandbox:1")).ResponseAsync);

            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains("container backend", refused.Status.Detail);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
