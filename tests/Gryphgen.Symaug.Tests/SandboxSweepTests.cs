using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Symaug.Workspaces;
using Gryphgen.Testing;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Tests;

/// <summary>Sandboxed processes do not outlive the SYMAUG that started them: the next one kills what is left.</summary>
public sealed class SandboxSweepTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

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

    [Fact]
    public async Task A_symaug_process_killed_with_SIGKILL_mid_run_leaves_nothing_running_for_the_next_one()
    {
        // SYMAUG as its own process, so that it can die as a crash kills it: its sandboxed run is orphaned, not ended.
        var root = Directory.CreateTempSubdirectory("gryphgen-workspaces-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__gryphgen"] = await SharedPostgres.CreateDatabaseAsync("symaug_sigkill"), ["Workspaces__Root"] = root,
            [GridProcesses.InternalCredentialVariable] = GridProcesses.InternalCredential,
        };
        // Its own pool, apart from the class's SYMAUG: the next SYMAUG takes over the pool the killed one held.
        foreach (var (key, value) in UidPool.Next().Settings) settings[key] = value;
        var owner = new SandboxOwner(Options.Create(new WorkspaceOptions { Root = root }));
        try
        {
            // Disposed last, after the next SYMAUG's sweep: disposing kills a process's tree, which would do the sweep's work.
            await using var doomed = await ServiceProcess.StartAsync("Gryphgen.Symaug", settings);
            var client = Client(doomed);
            var id = await client.NewWorkspaceAsync("sigkill");
            var uid = UnixFiles.OwnerOf(WorkspaceLayout.For(root, Guid.Parse(id)).Files);
            var sleep = $"{Random.Shared.Next(500, 900)}.{Random.Shared.Next(1000, 9999)}";
            using var call = client.RunAsync(WorkspaceRequests.Shell(id, $"echo started > started.txt; exec sleep {sleep}", timeLimitMs: 10 * 60_000));
            var run = await Eventually.Get(() => Task.FromResult(Sleeps(sleep).SingleOrDefault()), p => p is not null, Patience, "the run's sleep starting");
            Assert.Equal(uid, run!.Uid); // what must go: the sandbox user's sleep, in its run cgroup, under marked host processes
            var cgroups = RunCgroupFolders(run.Pid);
            Assert.NotEmpty(cgroups);
            Assert.NotEmpty(owner.MarkedProcesses());

            doomed.KillAlone();

            // The caller of the killed call hears of it, rather than waiting for an answer that will never come.
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Patience));
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.True(SleepsRunning(sleep)); // orphaned, still running: only the next SYMAUG ends it

            await using var next = await ServiceProcess.StartAsync("Gryphgen.Symaug", settings);

            await Eventually.Get(() => Task.FromResult(Sleeps(sleep).Concat(HostProcess.RunningAs(uid)).Concat(owner.MarkedProcesses().Select(HostProcess.Of))
                .OfType<HostProcess>().Where(p => p.Running).ToList()), left => left.Count == 0, Patience, "the killed SYMAUG's sandboxed processes gone");
            Assert.All(cgroups, folder => Assert.False(Directory.Exists(folder), folder));
            var again = await Client(next).RunAsync(WorkspaceRequests.Shell(id, "cat started.txt && echo again >> started.txt"));
            Assert.Equal((0, StopReason.None), (again.ExitCode, again.StopReason));
            Assert.Equal("started\n", again.Stdout.ToStringUtf8());
        }
        finally
        {
            foreach (var pid in owner.MarkedProcesses()) KillTree(pid); // only when the test failed before the next SYMAUG swept
            Directory.Delete(root, recursive: true);
        }
    }

    private static Contracts.Workspaces.WorkspacesClient Client(ServiceProcess symaug) =>
        new(ApiKeyChannel.Open(symaug.GrpcUrl, GridProcesses.InternalCredential));

    private static bool SleepsRunning(string duration) => Sleeps(duration).Count > 0;

    private static List<HostProcess> Sleeps(string duration) => [.. HostProcess.All().Where(p => p.Running && p.CommandLine == $"sleep {duration}")];

    /// <summary>The folders of the process's run cgroup, one per hierarchy ("id:controllers:path" lines of /proc/PID/cgroup).</summary>
    private static List<string> RunCgroupFolders(int pid) =>
    [
        .. (Read(pid, "cgroup") ?? "").Split('\n').Select(line => line.Split(':', 3)).Where(f => f.Length == 3 && f[2].Contains("/gryphgen-symaug/"))
            .SelectMany(f => Directory.EnumerateDirectories(OwnCgroup.Mount).Select(mount => mount + f[2]))
            .Where(Directory.Exists).Distinct(),
    ];

    private static string? Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/{file}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // ended meanwhile
        }
    }

    private static void KillTree(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
        }
    }
}
