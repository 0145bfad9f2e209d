using Gryphgen.Symaug.Sandbox;
using Gryphgen.Testing;

namespace Gryphgen.Symaug.Tests;

/// <summary>Sandboxed processes do not outlive the SYMAUG that started them: the next one kills what is left.</summary>
public sealed class SandboxSweepTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    [Fact]
    public async Task A_run_an_earlier_symaug_left_running_is_killed_when_symaug_starts_again()
    {
        var id = await server.Client.NewWorkspaceAsync("sweep");
        // A duration no other process on the host sleeps, to find this run's sleep among them.
        var sleep = $"{Random.Shared.Next(500, 900)}.{Random.Shared.Next(1000, 9999)}";
        // The run as SYMAUG's runner starts it; its caller then goes away without ending it, as a killed SYMAUG would.
        var orphan = server.Service<SandboxedRunner>().RunAsync(
            new SandboxRun(server.FilesOf(id), ["/bin/sh", "-c", $"echo started > started.txt; exec sleep {sleep}"], TimeSpan.FromMinutes(20), 1 << 16),
            CancellationToken.None);
        await Eventually.Get(() => Task.FromResult(SleepsRunning(sleep)), running => running, TimeSpan.FromMinutes(1), "the run's sleep starting");

        await server.RestartAsync();

        var result = await orphan.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, result.ExitCode);
        await Eventually.Get(() => Task.FromResult(SleepsRunning(sleep)), running => !running, TimeSpan.FromSeconds(30), "the run's sleep ending");
    }

    private static bool SleepsRunning(string duration) => Directory.EnumerateDirectories("/proc").Any(folder =>
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, "cmdline")) == $"sleep\0{duration}\0";
        }
        catch (IOException)
        {
            return false;
        }
    });
}
