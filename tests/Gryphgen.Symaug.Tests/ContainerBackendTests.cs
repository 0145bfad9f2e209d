using System.Net;
using Grpc.Core;
using Gryphgen.Symaug.Sandbox;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// <c>Sandbox:Backend=container</c> where it cannot run: SYMAUG is unhealthy, says which key to fix, and refuses runs
/// rather than running code unconfined or on another backend than the one it was told.
/// </summary>
public sealed class ContainerBackendTests
{
    private sealed class Configured(IReadOnlyDictionary<string, string> settings) : SymaugServer(settings);

    [Theory]
    [InlineData("Sandbox:Image", "localhost/gryphgen-no-such-image:0")]
    [InlineData("Sandbox:ContainerRuntime", "/nonexistent/podman")]
    public async Task A_container_backend_without_its_image_or_runtime_is_unhealthy_naming_the_key_and_refuses_runs(string key, string value)
    {
        var server = new Configured(new Dictionary<string, string> { ["Sandbox:Backend"] = Backends.Container, [key] = value });
        await server.InitializeAsync();
        try
        {
            var health = await server.CreateHttpClient().GetAsync("/health");
            var id = await server.Client.NewWorkspaceAsync("no-container");
            var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client.RunAsync(WorkspaceRequests.Shell(id, "true")).ResponseAsync);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains(key, refused.Status.Detail);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("localhost/gryphgen-sandbox:1", typeof(ContainerBackend))] // the image scripts/setup.sh builds
    [InlineData("localhost/gryphgen-no-such-image:0", typeof(BubblewrapBackend))]
    public async Task Auto_chooses_the_container_where_its_image_exists_else_bubblewrap_and_the_health_says_which_and_why(string image, Type chosen)
    {
        var server = new Configured(new Dictionary<string, string> { ["Sandbox:Backend"] = Backends.Auto, ["Sandbox:Image"] = image });
        await server.InitializeAsync();
        try
        {
            var report = await server.Service<HostCapabilities>().GetAsync();
            var id = await server.Client.NewWorkspaceAsync("auto");
            var run = await server.Client.RunAsync(WorkspaceRequests.Shell(id, "echo ran"));

            Assert.IsType(chosen, server.Service<ISandboxBackend>());
            Assert.True(report.Sandbox.Available, report.Sandbox.Detail);
            Assert.Contains("Sandbox:Backend auto", report.Sandbox.Detail);
            if (chosen == typeof(BubblewrapBackend)) Assert.Contains("Sandbox:Image", report.Sandbox.Detail);
            Assert.Equal("ran\n", run.Stdout.ToStringUtf8());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public void An_unknown_backend_is_refused_at_start_naming_the_key()
    {
        var validation = new DataAnnotationValidateOptions<SandboxOptions>(Options.DefaultName)
            .Validate(Options.DefaultName, new SandboxOptions { Backend = "chroot" });

        Assert.True(validation.Failed);
        Assert.Contains("Sandbox:Backend", validation.FailureMessage);
    }

    [Theory]
    [InlineData("--privileged", null)]
    [InlineData("localhost/gryphgen-sandbox:1", "localhost/x:1 --rm")]
    [InlineData("localhost/gryphgen-sandbox:1", "Localhost/Upper:1")]
    public void An_image_setting_that_is_no_image_reference_is_refused_at_start_naming_the_key(string image, string? allowed)
    {
        var options = new SandboxOptions { Image = image, AllowedImages = allowed is null ? [] : [allowed] };
        var validation = new DataAnnotationValidateOptions<SandboxOptions>(Options.DefaultName).Validate(Options.DefaultName, options);

        Assert.True(validation.Failed);
        Assert.Contains(allowed is null ? "Sandbox:Image" : "Sandbox:AllowedImages", validation.FailureMessage);
    }
}
