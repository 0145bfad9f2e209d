using System.Diagnostics;
using System.Text.Json;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// Every service builds into a container image with the SDK's own container support (no Dockerfile) on the base
/// image built here and runs as the non-root app user, and a service image serves: SYMORG in podman beside PostgreSQL
/// and Redis containers (found by name on their network) reports healthy on its container port.
/// </summary>
[Collection(ServiceImages.Name)]
public sealed class ServiceImageTests(ServiceImageFixture images)
{
    [Theory]
    [InlineData("Gryphgen.Symorq")]
    [InlineData("Gryphgen.Symorg")]
    [InlineData("Gryphgen.Symaug")]
    [InlineData("Gryphgen.Agents")]
    public async Task The_service_image_runs_as_the_non_root_app_user(string project)
    {
        var image = await images.PublishAsync(project);

        using var config = JsonDocument.Parse(await Podman.RunAsync("image", "inspect", "--format", "{{json .Config}}", image));
        Assert.Equal("1654", config.RootElement.GetProperty("User").GetString());
        Assert.Equal("1654\n", await Podman.RunAsync("run", "--rm", "--entrypoint", "id", image, "-u"));
    }

    [Fact]
    public async Task SYMORG_s_image_is_healthy_beside_postgres_and_redis_containers()
    {
        var image = await images.PublishAsync("Gryphgen.Symorg");
        var run = Guid.NewGuid().ToString("N")[..8];
        var network = $"gryphgen-images-{run}";
        const string password = "image-test-password";
        await Podman.RunAsync("network", "create", network);
        try
        {
            await Podman.RunAsync("run", "-d", "--name", $"postgres-{run}", "--network", network, "-e", $"POSTGRES_PASSWORD={password}",
                ContainersAppFixture.Images[0]);
            await Podman.RunAsync("run", "-d", "--name", $"redis-{run}", "--network", network, ContainersAppFixture.Images[1],
                "redis-server", "--requirepass", password);
            await Podman.RunAsync("run", "-d", "--name", $"symorg-{run}", "--network", network, "-p", "127.0.0.1::8080",
                "-e", $"ConnectionStrings__gryphgen=Host=postgres-{run};Database=postgres;Username=postgres;Password={password}",
                "-e", $"ConnectionStrings__redis=redis-{run}:6379,password={password}",
                "-e", $"Gryphgen__Internal__Credential={password}", image);
            var port = (await Podman.RunAsync("port", $"symorg-{run}", "8080/tcp")).Trim().Split(':')[^1];
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

            var status = await Eventually.Get(() => HealthAsync(http), s => s == 200, TimeSpan.FromMinutes(2), "SYMORG's container answering healthy");

            Assert.Equal(200, status);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{await Podman.RunAsync("logs", $"symorg-{run}")}", e);
        }
        finally
        {
            await Podman.RunAsync("rm", "--force", "--volumes", $"symorg-{run}", $"redis-{run}", $"postgres-{run}");
            await Podman.RunAsync("network", "rm", network);
        }
    }

    private static async Task<int> HealthAsync(HttpClient http)
    {
        try
        {
            return (int)(await http.GetAsync("/health")).StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }
}

/// <summary>
/// Publishes each service's image once for the tests (<c>dotnet publish -t:PublishContainer</c> into podman, on
/// <see cref="TestAssets.ServiceBaseImage"/>, tagged for this run) and removes them afterwards.
/// </summary>
public sealed class ServiceImageFixture : IAsyncLifetime
{
    private readonly string _tag = $"test-{Guid.NewGuid():N}"[..13];
    private readonly Dictionary<string, Task<string>> _published = [];

    public Task<string> PublishAsync(string project)
    {
        lock (_published)
        {
            if (!_published.TryGetValue(project, out var image)) _published[project] = image = PublishOnceAsync(project, TestAssets.ServiceBaseImage);
            return image;
        }
    }

    private async Task<string> PublishOnceAsync(string project, string baseImage)
    {
        var repository = project.ToLowerInvariant();
        var start = new ProcessStartInfo("dotnet",
        [
            "publish", Path.Combine(TestAssets.RepositoryRoot, "services", project), "--no-build", "-c", TestAssets.BuildConfiguration,
            "-t:PublishContainer", $"-p:ContainerBaseImage={baseImage}", "-p:LocalRegistry=Podman",
            $"-p:ContainerRepository={repository}", $"-p:ContainerImageTag={_tag}",
        ])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            // The loopback registry speaks plain HTTP; the SDK is told so for it alone.
            Environment = { ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = baseImage.Split('/')[0] },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.True(process.ExitCode == 0, $"publishing {project}'s image: {await output}{await errors}");
        return $"localhost/{repository}:{_tag}";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var image in _published.Values.Where(i => i.IsCompletedSuccessfully))
            await Podman.RunAsync("rmi", "--force", image.Result);
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceImages : ICollectionFixture<ServiceImageFixture>
{
    public const string Name = "service images";
}
