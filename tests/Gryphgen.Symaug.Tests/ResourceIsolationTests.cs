using Gryphgen.Contracts;
using Grpc.Core;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Symaug.Workspaces;
using Gryphgen.Testing;
using Microsoft.Extensions.Options;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>What one run uses cannot take what another run, or the host, needs.</summary>
public abstract class ResourceIsolationTests(SymaugServer server)
{
    /// <summary>On the bubblewrap backend.</summary>
    public sealed class Bubblewrap(SymaugServer server) : ResourceIsolationTests(server), IClassFixture<SymaugServer>
    {
        [Fact]
        public async Task A_fork_bomb_stops_at_the_run_cgroups_pids_limit_and_the_group_is_gone_after_the_run()
        {
            var id = await Client.NewWorkspaceAsync("pids");
            var bomb = Client.RunAsync(Shell(id, "f() { f | f & }; f; sleep 120", timeLimitMs: 30_000)).ResponseAsync;
            var group = await Eventually.Get(() => Task.FromResult(RunCgroupFolders().SingleOrDefault(f => System.IO.File.Exists(Path.Combine(f, "pids.events")))),
                folder => folder is not null && Counter(Path.Combine(folder, "pids.events"), "max") > 0, TimeSpan.FromSeconds(25), "the fork bomb meeting pids.max");
            var current = long.Parse(System.IO.File.ReadAllText(Path.Combine(group!, "pids.current")));

            Assert.InRange(current, 1, SymaugServer.Pids);
            Assert.Equal(StopReason.Timeout, (await bomb).StopReason);
            AssertNoRunCgroupsLeft();
        }

        [Fact]
        public async Task A_run_cgroup_an_earlier_symaug_left_is_killed_and_removed_when_symaug_starts()
        {
            var parents = Server.Service<RunCgroups>().Parents;
            Assert.NotEmpty(parents); // this machine's cgroups are SYMAUG's to write
            var left = "run-" + Guid.NewGuid().ToString("N");
            foreach (var parent in parents) Directory.CreateDirectory(Path.Combine(parent, left));
            // A process in the group, as a run of a SYMAUG that was killed would have left it.
            var procs = string.Join(' ', parents.Select(p => Path.Combine(p, left, "cgroup.procs")));
            using var sleeper = System.Diagnostics.Process.Start("/bin/sh", ["-c", $"for f in {procs}; do echo $$ > $f; done; exec sleep 600"]);
            await Eventually.Get(() => Task.FromResult(System.IO.File.ReadAllText(Path.Combine(parents[0], left, "cgroup.procs")).Trim()),
                pid => pid == sleeper.Id.ToString(), TimeSpan.FromSeconds(20), "the sleeper joining the group");

            await Server.RestartAsync();

            await sleeper.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.All(parents, parent => Assert.False(Directory.Exists(Path.Combine(parent, left))));
        }
    }

    /// <summary>On the container backend: the same attacks, the same verdicts.</summary>
    public sealed class Container(ContainerSymaugServer server) : ResourceIsolationTests(server), IClassFixture<ContainerSymaugServer>
    {
        [Fact]
        public async Task A_fork_bomb_stops_at_the_containers_pids_limit()
        {
            var id = await Client.NewWorkspaceAsync("pids");
            // Forks until the limit refuses one, then ends them all, so that the shell can fork again to read the counters
            // (a bomb left running could take the very fork the reading needs).
            var bomb = await Client.RunAsync(Shell(id, $"""
                cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null
                {WorkspaceRequests.ForkUntilRefused}
                cat /sys/fs/cgroup/pids/pids.events /sys/fs/cgroup/pids.events 2>/dev/null
                """, timeLimitMs: 30_000));

            // pids.max; how many forks the limit let through; pids.events ("max N": how often a fork met it), of the container's own cgroup.
            var output = bomb.Stdout.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(output.Length == 3, bomb.Stdout.ToStringUtf8() + bomb.Stderr.ToStringUtf8());
            Assert.Equal(SymaugServer.Pids.ToString(), output[0]);
            Assert.InRange(int.Parse(output[1]), SymaugServer.Pids / 2, SymaugServer.Pids);
            Assert.True(long.Parse(output[2].Split(' ')[1]) > 0, bomb.Stdout.ToStringUtf8());
        }

        [Fact]
        public async Task A_container_an_earlier_symaug_left_is_removed_when_symaug_starts()
        {
            var id = await Client.NewWorkspaceAsync("sweep");
            // The run as SYMAUG's runner starts it; its caller then goes away without ending it, as a killed SYMAUG would.
            var orphan = Server.Service<SandboxedRunner>().RunAsync(
                new SandboxRun(Server.FilesOf(id), ["/bin/sh", "-c", "echo started > started.txt; exec sleep 600"], TimeSpan.FromMinutes(20), 1 << 16),
                CancellationToken.None);
            await Eventually.Get(() => Task.FromResult(OwnContainers().Count), count => count == 1, TimeSpan.FromMinutes(1), "the run's container starting");

            await Server.RestartAsync();

            await orphan.WaitAsync(TimeSpan.FromMinutes(1));
            // Eventually: the new SYMAUG's start-up probe runs a container of its own for a moment.
            await Eventually.Get(() => Task.FromResult(OwnContainers().Count), count => count == 0, TimeSpan.FromSeconds(30), "the left container's removal");
        }

        /// <summary>The containers carrying this SYMAUG's owner mark.</summary>
        private List<string> OwnContainers()
        {
            var owner = Server.Service<SandboxOwner>().Value;
            using var ps = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("podman", ["ps", "--all", "--quiet", "--filter", $"label=gryphgen.owner={owner}"])
            {
                RedirectStandardOutput = true,
            })!;
            var ids = ps.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            ps.WaitForExit();
            Assert.Equal(0, ps.ExitCode);
            return ids;
        }
    }

    protected SymaugServer Server => server;

    protected Contracts.Workspaces.WorkspacesClient Client => server.Client;

    [Fact]
    public async Task A_fork_bomb_in_one_workspace_does_not_make_a_concurrent_run_of_another_workspace_fail()
    {
        var bombed = await Client.NewWorkspaceAsync("fork-bomb");
        var other = await Client.NewWorkspaceAsync("innocent");
        Assert.NotEqual(server.UidOf(bombed), server.UidOf(other));

        var bomb = Client.RunAsync(Shell(bombed, WorkspaceRequests.ForkBomb, timeLimitMs: 60_000)).ResponseAsync;
        // The bomb holds (nearly) every process its user may have before the other run starts.
        await Eventually.Get(() => Task.FromResult(HostProcess.CountOf(server.UidOf(bombed))), count => count >= Math.Min(SymaugServer.Processes, SymaugServer.Pids) - 6,
            TimeSpan.FromSeconds(50), "the fork bomb reaching the process limit");
        var innocent = await Client.RunAsync(Shell(other, "for i in $(seq 20); do true & done; wait; echo forked", timeLimitMs: 60_000));

        Assert.True(innocent.ExitCode == 0, innocent.Stderr.ToStringUtf8());
        Assert.Equal("forked\n", innocent.Stdout.ToStringUtf8());
        Assert.Equal(StopReason.Timeout, (await bomb).StopReason);
    }

    [Fact]
    public async Task Each_run_gets_a_fresh_tmp_that_fills_up_at_its_size()
    {
        var id = await Client.NewWorkspaceAsync("tmp");
        // Files under the file-size limit, so that only the size of /tmp can stop them.
        var full = await Client.RunAsync(Shell(id, "for i in $(seq 40); do head -c 900000 /dev/zero > /tmp/f$i || exit 7; done"));
        var next = await Client.RunAsync(Shell(id, "ls /tmp | wc -l"));

        Assert.Equal(7, full.ExitCode);
        Assert.Contains("No space left on device", full.Stderr.ToStringUtf8());
        Assert.Equal(StopReason.None, full.StopReason);
        Assert.Equal("0\n", next.Stdout.ToStringUtf8());
    }

    [Fact]
    public async Task Allocating_across_many_processes_stops_at_the_run_cgroups_memory_limit_with_reason_memory()
    {
        var id = await Client.NewWorkspaceAsync("memory");
        // 8 x 256 MiB, each under the address-space limit, together over the group's limit; written, so really resident.
        var result = await Client.RunAsync(Shell(id,
            "for i in $(seq 8); do /usr/bin/python3 -c 'import time; b = bytearray(b\"x\") * (256 << 20); time.sleep(100)' & done; wait",
            timeLimitMs: 90_000));

        Assert.Equal(StopReason.Memory, result.StopReason);
        Assert.True(result.Killed);
        AssertNoRunCgroupsLeft();
    }

    protected IEnumerable<string> RunCgroupFolders() => server.Service<RunCgroups>().Parents
        .Where(Directory.Exists).SelectMany(Directory.EnumerateDirectories).Where(f => Path.GetFileName(f).StartsWith("run-"));

    protected void AssertNoRunCgroupsLeft() => Assert.Empty(RunCgroupFolders());

    protected static long Counter(string file, string key) => System.IO.File.ReadLines(file).Select(l => l.Split(' '))
        .Where(f => f[0] == key).Select(f => long.Parse(f[1])).FirstOrDefault();

    [Theory]
    [InlineData("i=0; while true; do i=$((i + 1)); echo x > f$i || exit 9; done", "Workspaces:QuotaFiles")] // many small files
    [InlineData("i=0; while true; do i=$((i + 1)); head -c 500000 /dev/zero > b$i || exit 9; done", "Workspaces:QuotaBytes")]
    public async Task Filling_the_disk_stops_at_the_workspace_quota_and_further_writes_are_refused(string script, string key)
    {
        var id = await Client.NewWorkspaceAsync("quota");
        var result = await Client.RunAsync(Shell(id, script, timeLimitMs: 120_000));
        var write = await Assert.ThrowsAsync<RpcException>(() =>
            Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("more.txt", "x") } }).ResponseAsync);

        Assert.Equal(StopReason.DiskQuota, result.StopReason);
        Assert.True(result.Killed);
        Assert.Equal(StatusCode.ResourceExhausted, write.StatusCode);
        Assert.Contains(key, write.Status.Detail);
    }

    [Fact]
    public async Task A_write_that_would_pass_the_quota_is_refused_and_writes_nothing()
    {
        var id = await Client.NewWorkspaceAsync("quota-write");
        Assert.Equal(0, (await Client.RunAsync(Shell(id, $"mkdir d && cd d && for i in $(seq {SymaugServer.QuotaFiles - 5}); do : > f$i; done"))).ExitCode);
        var write = await Assert.ThrowsAsync<RpcException>(() => Client.WriteFilesAsync(new WriteFilesRequest
        {
            WorkspaceId = id, Files = { Enumerable.Range(0, 10).Select(i => File($"new{i}.txt", "x")) },
        }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, write.StatusCode);
        Assert.Contains("Workspaces:QuotaFiles", write.Status.Detail);
        Assert.False(System.IO.File.Exists(Path.Combine(server.FilesOf(id), "new0.txt")));
    }

    [Theory]
    [InlineData(long.MaxValue, 0, "Workspaces:MinFreeBytes")]
    [InlineData(0, long.MaxValue, "Workspaces:MinFreeInodes")]
    public void Below_the_free_space_or_inode_floor_runs_are_refused_naming_the_key(long minFreeBytes, long minFreeInodes, string key)
    {
        var floor = new DiskFloor(Options.Create(new WorkspaceOptions { Root = server.Root, MinFreeBytes = minFreeBytes, MinFreeInodes = minFreeInodes }));

        var refused = Assert.Throws<DiskFullException>(floor.Check);
        Assert.Contains(key, refused.Message);
        Assert.Null(new DiskFloor(Options.Create(new WorkspaceOptions { Root = server.Root })).Breach()); // this disk is above the default floor
    }

    [Fact]
    public void A_quota_below_what_one_write_may_hold_is_refused_at_start_naming_the_key()
    {
        var validation = new DataAnnotationValidateOptions<WorkspaceOptions>(Options.DefaultName)
            .Validate(Options.DefaultName, new WorkspaceOptions { MaxFiles = 100, QuotaFiles = 10 });

        Assert.True(validation.Failed);
        Assert.Contains("Workspaces:QuotaFiles", validation.FailureMessage);
    }

    [Theory]
    [InlineData(65_000, 1_000, "nobody")] // a host account (nobody and nogroup, 65534) inside the pool
    [InlineData(10, 100, "1000 or more")]
    public void A_uid_pool_that_holds_a_host_account_or_system_ids_is_refused_at_start_naming_the_key(int start, int size, string problem)
    {
        // The validation SYMAUG's start runs (ValidateDataAnnotations + ValidateOnStart).
        var validation = new DataAnnotationValidateOptions<SandboxOptions>(Options.DefaultName)
            .Validate(Options.DefaultName, new SandboxOptions { UidPoolStart = start, UidPoolSize = size, RunAsUid = 70_000 });

        Assert.True(validation.Failed);
        Assert.Contains("Sandbox:UidPoolStart", validation.FailureMessage);
        Assert.Contains(problem, validation.FailureMessage);
    }
}
