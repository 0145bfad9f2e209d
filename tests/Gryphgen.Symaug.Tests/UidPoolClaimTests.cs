using Gryphgen.Symaug.Sandbox;
using Gryphgen.Testing;

namespace Gryphgen.Symaug.Tests;

/// <summary>Two SYMAUGs on one host never hand out the same sandbox uids: the second refuses to start.</summary>
public sealed class UidPoolClaimTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    [Fact]
    public async Task A_symaug_whose_uid_pool_overlaps_a_running_ones_refuses_to_start_naming_the_keys()
    {
        var root = Directory.CreateTempSubdirectory("gryphgen-workspaces-").FullName;
        try
        {
            var overlapping = new UidPool(server.UidPool.Start + server.UidPool.Size - 1, server.UidPool.Size);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(root, overlapping));

            Assert.Contains("Sandbox:UidPoolStart/UidPoolSize", error.Message);
            Assert.Contains($"overlap the pool of another SYMAUG running on this host (uids {server.UidPool.Start}–", error.Message);
            // The running one keeps its pool and its work.
            Assert.NotEmpty(await server.Client.NewWorkspaceAsync("still-served"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_symaug_with_a_pool_of_its_own_starts_beside_a_running_one_and_its_pool_is_free_again_once_it_is_killed()
    {
        var root = Directory.CreateTempSubdirectory("gryphgen-workspaces-").FullName;
        var pool = UidPool.Next();
        try
        {
            await using (var first = await StartAsync(root, pool))
            {
                Assert.Single(Claims(pool));
                first.Kill(); // as a crash ends it: the claim's file stays, its lock goes with the process
            }
            await using var next = await StartAsync(root, pool);
            Assert.Single(Claims(pool)); // the stale claim removed, the next one's own in its place
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<ServiceProcess> StartAsync(string root, UidPool pool)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__gryphgen"] = await SharedPostgres.CreateDatabaseAsync("symaug_pool"), ["Workspaces__Root"] = root,
            [GridProcesses.InternalCredentialVariable] = GridProcesses.InternalCredential,
        };
        foreach (var (key, value) in pool.Settings) settings[key] = value;
        return await ServiceProcess.StartAsync("Gryphgen.Symaug", settings);
    }

    private static IEnumerable<string> Claims(UidPool pool) =>
        Directory.EnumerateFiles(SandboxPoolClaim.Folder, $"{pool.Start}-{pool.Start + pool.Size - 1}.*.claim");
}
