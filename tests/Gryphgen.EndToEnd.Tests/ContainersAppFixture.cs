using System.Diagnostics;
using Gryphgen.AppHost.Containers;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// The whole system in containers mode on podman: PostgreSQL, Redis and llama-server (the tiny model, bind-mounted)
/// as containers from the images <c>scripts/setup.sh --containers</c> builds here, every service and agent as in
/// local mode; a second llama-server (<see cref="SecondServer"/>, the same model with two slots) is a container of its
/// own and a grid endpoint of its own. The agents' models are a scripted grid beside the llama container (an external endpoint serving the
/// aliases default and coder), so that a task can be driven to success.
/// </summary>
public sealed class ContainersAppFixture : GryphgenAppFixture
{
    public static readonly string[] Images = ["localhost/gryphgen-postgres:15", "localhost/gryphgen-redis:7", "localhost/gryphgen-llama:server"];

    public const string SecondServer = "embed";
    public const int SecondServerSlots = 2;

    public RoleScripts Scripts { get; } = new();

    public ScriptedLlmServer Llm { get; private set; } = null!;

    /// <summary>The run's PostgreSQL volume, named after its state folder.</summary>
    public string DataVolume => StateFolder.PostgresVolume(StateDirectory);

    protected override async Task<IEnumerable<string>> SettingsAsync()
    {
        Llm = await ScriptedLlmServer.StartAsync("scripted-coder");
        Llm.Fallback = Scripts.Answer;
        return
        [
            "--Gryphgen:Infrastructure=containers",
            $"--{ContainerRuntime.ConfigurationKey}={ContainerRuntime.Podman}",
            $"--Gryphgen:Images:Postgres={Images[0]}",
            $"--Gryphgen:Images:Redis={Images[1]}",
            $"--Gryphgen:Images:Llama={Images[2]}",
            .. ModelSettings,
            "--Gryphgen:Llm:Aliases:0=tiny",
            $"--Gryphgen:Llm:Servers:{SecondServer}:Model={TestAssets.TinyModel}",
            $"--Gryphgen:Llm:Servers:{SecondServer}:Parallel={SecondServerSlots}",
            $"--Gryphgen:Llm:Servers:{SecondServer}:ContextSize={SecondServerSlots * ContextPerSlot}",
            $"--Gryphgen:Llm:Servers:{SecondServer}:Aliases:0=tiny-embed",
            "--Gryphgen:Llm:Endpoints:0:Name=scripted",
            $"--Gryphgen:Llm:Endpoints:0:Url={Llm.Url}",
            "--Gryphgen:Llm:Endpoints:0:Models:0=default",
            "--Gryphgen:Llm:Endpoints:0:Models:1=coder",
        ];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Llm is not null) await Llm.DisposeAsync();
        await Podman.RunAsync("volume", "rm", "--force", DataVolume);
    }
}

/// <summary>The podman CLI, as root runs it here (the AppHost's containers are root's).</summary>
public static class Podman
{
    /// <summary>What the command printed on its standard output; it must succeed.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(ContainerRuntime.Podman, arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        Assert.True(process.ExitCode == 0, $"podman {string.Join(' ', arguments)}: {await errors}");
        return await output;
    }

    /// <summary>The id of the one running container started from <paramref name="image"/>.</summary>
    public static async Task<string> ContainerOfAsync(string image) => Assert.Single(await ContainersOfAsync(image));

    /// <summary>The ids of the running containers started from <paramref name="image"/>.</summary>
    public static async Task<string[]> ContainersOfAsync(string image) =>
        (await RunAsync("ps", "--filter", $"ancestor={image}", "--format", "{{.ID}}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

[CollectionDefinition(Name)]
public sealed class RunningContainers : ICollectionFixture<ContainersAppFixture>
{
    public const string Name = "running system in containers";
}
