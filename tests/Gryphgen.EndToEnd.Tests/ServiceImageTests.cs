using System.Diagnostics;
using System.Text.Json;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// Every service builds into a container image with the SDK's own container support (no Dockerfile) on the base
/// image built here and runs as the non-root app user, and a service image serves: SYMORG in podman beside PostgreSQL
/// and Redis containers (found by name on their network) reports healthy on its container port, and SYMAUG's image in
/// a plain container, where no sandbox can be made, stays unhealthy rather than run generated code unconfined.
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
        await using var network = await ImageNetwork.CreateAsync();
        var symorg = await network.RunAsync("symorg", image, $"ConnectionStrings__redis={await network.RedisAsync()}");
        using var http = new HttpClient { BaseAddress = await network.UrlAsync(symorg, 8080), Timeout = TimeSpan.FromSeconds(5) };

        var status = await network.WithLogsOf(symorg, Eventually.Get(() => HealthAsync(http), s => s == 200, TimeSpan.FromMinutes(2),
            "SYMORG's container answering healthy"));

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task SYMAUG_s_image_in_a_plain_container_refuses_to_run_generated_code_and_says_why()
    {
        // A container as podman makes it by default: no bubblewrap in the image, and no namespaces to make one with.
        var image = await images.PublishAsync("Gryphgen.Symaug");
        await using var network = await ImageNetwork.CreateAsync();
        var symaug = await network.RunAsync("symaug", image, "Workspaces__Root=/tmp/workspaces");
        using var http = new HttpClient { BaseAddress = await network.UrlAsync(symaug, 8080), Timeout = TimeSpan.FromSeconds(5) };
        using var channel = ApiKeyChannel.Open(await network.UrlAsync(symaug, 8081), ImageNetwork.Password);

        var status = await network.WithLogsOf(symaug, Eventually.Get(() => HealthAsync(http), s => s != 0, TimeSpan.FromMinutes(2),
            "SYMAUG's container answering"));
        var sandbox = (await new ComponentInfo.ComponentInfoClient(channel).DescribeAsync(new DescribeRequest())).Components.Single(c => c.Name == "sandbox");

        Assert.Equal(503, status);
        Assert.False(sandbox.Healthy);
        Assert.Contains("SYMAUG refuses to run generated code unconfined", sandbox.Detail);
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

/// <summary>
/// A podman network of service containers for one test, with PostgreSQL (and Redis when asked for) found by name on
/// it; removed with everything in it when disposed.
/// </summary>
public sealed class ImageNetwork : IAsyncDisposable
{
    public const string Password = "image-test-password";

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _containers = [];

    private string Name => $"gryphgen-images-{_run}";

    public static async Task<ImageNetwork> CreateAsync()
    {
        var network = new ImageNetwork();
        await Podman.RunAsync("network", "create", network.Name);
        await network.StartAsync("postgres", ContainersAppFixture.Images[0], ["-e", $"POSTGRES_PASSWORD={Password}"], []);
        return network;
    }

    /// <summary>Starts Redis on the network; its connection string.</summary>
    public async Task<string> RedisAsync()
    {
        var redis = await StartAsync("redis", ContainersAppFixture.Images[1], [], ["redis-server", "--requirepass", Password]);
        return $"{redis}:6379,password={Password}";
    }

    /// <summary>Starts a service image with its ports published on loopback, PostgreSQL and the internal credential set; its container's name.</summary>
    public Task<string> RunAsync(string service, string image, params string[] environment) => StartAsync(service, image,
    [
        "-p", "127.0.0.1::8080", "-p", "127.0.0.1::8081",
        "-e", $"ConnectionStrings__gryphgen=Host=postgres-{_run};Database=postgres;Username=postgres;Password={Password}",
        "-e", $"Gryphgen__Internal__Credential={Password}", .. environment.SelectMany(e => new[] { "-e", e }),
    ], []);

    /// <summary>Where the container's <paramref name="port"/> is published on loopback.</summary>
    public async Task<Uri> UrlAsync(string container, int port) =>
        new($"http://127.0.0.1:{(await Podman.RunAsync("port", container, $"{port}/tcp")).Trim().Split(':')[^1]}");

    /// <summary><paramref name="waiting"/>, with the container's log in the error when it times out.</summary>
    public async Task<T> WithLogsOf<T>(string container, Task<T> waiting)
    {
        try
        {
            return await waiting;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{await Podman.RunAsync("logs", container)}", e);
        }
    }

    private async Task<string> StartAsync(string service, string image, string[] options, string[] command)
    {
        var name = $"{service}-{_run}";
        _containers.Add(name);
        await Podman.RunAsync(["run", "-d", "--name", name, "--network", Name, .. options, image, .. command]);
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        await Podman.RunAsync(["rm", "--force", "--volumes", .. _containers]);
        await Podman.RunAsync("network", "rm", Name);
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceImages : ICollectionFixture<ServiceImageFixture>
{
    public const string Name = "service images";
}
