using System.Formats.Tar;
using System.IO.Compression;
using Grpc.Core;
using Gryphgen.Contracts;
using Npgsql;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// The verdict belongs to SYMAUG: what generated code does in the sandbox (renaming the tests' folder, forging the
/// report, planting files that steer the test harness) cannot turn failing acceptance tests into a pass, nor change
/// the acceptance tests an export ships.
/// </summary>
public sealed class VerdictTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    private const string Seed = "from calc import add\n\ndef test_adds():\n    assert add(2, 3) == 5\n";

    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    /// <summary>A pytest workspace whose one acceptance test, <c>tests/test_calc.py</c>, fails against the code.</summary>
    private async Task<string> FailingWorkspaceAsync()
    {
        var id = (await Client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = "verdict", SeedFiles = { File("tests/test_calc.py", Seed) },
            Acceptance = new AcceptanceTest { Command = { "/usr/bin/python3", "-m", "pytest", "-q" }, Format = TestFormat.Pytest },
        })).WorkspaceId;
        await Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("calc.py", "def add(a, b):\n    return 0\n") } });
        return id;
    }

    private static void AssertSeedFails(TestReport report)
    {
        Assert.Contains(report.Failures, f => f.Location.StartsWith("tests/test_calc.py"));
        Assert.False(report.Summary.Failed + report.Summary.Errored == 0, "the failing seed test still counts");
    }

    [Theory]
    [InlineData("mv tests tests_x && mkdir tests && printf 'def test_x():\\n    pass\\n' > tests/test_x.py")]
    [InlineData("mv tests tests_x && mkdir tests && printf 'def test_adds():\\n    pass\\n' > tests/test_calc.py")]
    [InlineData("mv tests tests_x && mkdir elsewhere && printf 'def test_adds():\\n    pass\\n' > elsewhere/test_calc.py && ln -s elsewhere tests")]
    [InlineData("mv tests tests_x")]
    public async Task Moving_the_seeds_folder_and_writing_a_passing_stand_in_changes_neither_the_next_test_nor_the_export(string attack)
    {
        var id = await FailingWorkspaceAsync();
        Assert.Equal(0, (await Client.RunAsync(Shell(id, attack))).ExitCode);
        // The next run can remove the moved original: it is no longer where runs bind the seed.
        Assert.Equal(0, (await Client.RunAsync(Shell(id, "rm -rf tests_x"))).ExitCode);

        AssertSeedFails(await Client.TestAsync(new TestRequest { WorkspaceId = id }));

        var exported = await ExportAsync(id);
        Assert.Equal(TarEntryType.Directory, exported["tests"].Type);
        Assert.Equal(Seed, exported["tests/test_calc.py"].Content);
        Assert.Equal(TarEntryType.RegularFile, exported["tests/test_calc.py"].Type);
    }

    [Fact]
    public async Task A_changed_pristine_seed_copy_stops_tests_and_exports()
    {
        var id = await FailingWorkspaceAsync();
        await System.IO.File.WriteAllTextAsync(Path.Combine(SeedsOf(id), "tests", "test_calc.py"), "def test_adds():\n    pass\n");

        var test = await Assert.ThrowsAsync<RpcException>(() => Client.TestAsync(new TestRequest { WorkspaceId = id }).ResponseAsync);
        var export = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(id));
        Assert.Equal(StatusCode.DataLoss, test.StatusCode);
        Assert.Equal(StatusCode.DataLoss, export.StatusCode);
    }

    [Fact]
    public async Task A_workspace_from_before_pristine_copies_gets_one_from_its_first_checkpoint_at_start_up()
    {
        var id = await FailingWorkspaceAsync();
        // What an older SYMAUG left: no pristine copy, no hashes, and a forged stand-in at the seed's path.
        Directory.Delete(SeedsOf(id), recursive: true);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var forget = new NpgsqlCommand("UPDATE symaug.workspaces SET seed_sha256 = '{}' WHERE id = @id", connection);
            forget.Parameters.AddWithValue("id", Guid.Parse(id));
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }
        System.IO.File.Delete(Path.Combine(server.FilesOf(id), "tests", "test_calc.py"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(server.FilesOf(id), "tests", "test_calc.py"), "def test_adds():\n    pass\n");

        await server.RestartAsync();

        Assert.Equal(Seed, await System.IO.File.ReadAllTextAsync(Path.Combine(SeedsOf(id), "tests", "test_calc.py")));
        AssertSeedFails(await Client.TestAsync(new TestRequest { WorkspaceId = id }));
    }

    private string SeedsOf(string id) => Path.Combine(Path.GetDirectoryName(server.FilesOf(id))!, "seeds");

    private async Task<Dictionary<string, (TarEntryType Type, string Content)>> ExportAsync(string id)
    {
        using var archive = new MemoryStream();
        using var call = Client.Export(new WorkspaceRef { WorkspaceId = id });
        await foreach (var chunk in call.ResponseStream.ReadAllAsync()) chunk.Data.WriteTo(archive);
        archive.Position = 0;
        var entries = new Dictionary<string, (TarEntryType, string)>();
        await using var reader = new TarReader(new GZipStream(archive, CompressionMode.Decompress));
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            entries[entry.Name] = (entry.EntryType, entry.DataStream is null ? "" : await new StreamReader(entry.DataStream).ReadToEndAsync());
        }
        return entries;
    }
}
