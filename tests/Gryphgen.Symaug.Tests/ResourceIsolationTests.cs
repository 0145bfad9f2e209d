using Gryphgen.Contracts;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Testing;
using Microsoft.Extensions.Options;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>What one run uses cannot take what another run, or the host, needs.</summary>
public sealed class ResourceIsolationTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    [Fact]
    public async Task A_fork_bomb_in_one_workspace_does_not_make_a_concurrent_run_of_another_workspace_fail()
    {
        var bombed = await Client.NewWorkspaceAsync("fork-bomb");
        var other = await Client.NewWorkspaceAsync("innocent");
        Assert.NotEqual(server.UidOf(bombed), server.UidOf(other));

        var bomb = Client.RunAsync(Shell(bombed, "f() { f | f & }; f; sleep 120", timeLimitMs: 60_000)).ResponseAsync;
        // The bomb holds (nearly) every process its user may have before the other run starts.
        await Eventually.Get(() => Task.FromResult(ProcessesOf(server.UidOf(bombed))), count => count >= SymaugServer.Processes - 4,
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

    private static int ProcessesOf(int uid) => Directory.EnumerateDirectories("/proc").Count(folder =>
    {
        try
        {
            return System.IO.File.ReadLines(Path.Combine(folder, "status")).Any(line => line.StartsWith("Uid:") && line.Split('\t')[1] == uid.ToString());
        }
        catch (IOException)
        {
            return false;
        }
    });
}
