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
public abstract class VerdictTests(SymaugServer server)
{
    /// <summary>On the bubblewrap backend.</summary>
    public sealed class Bubblewrap(SymaugServer server) : VerdictTests(server), IClassFixture<SymaugServer>;

    /// <summary>On the container backend: the same attacks, the same verdicts.</summary>
    public sealed class Container(ContainerSymaugServer server) : VerdictTests(server), IClassFixture<ContainerSymaugServer>;

    private const string Seed = "from calc import add\n\ndef test_adds():\n    assert add(2, 3) == 5\n";

    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    /// <summary>A pytest workspace whose one acceptance test, <c>tests/test_calc.py</c>, fails against the code.</summary>
    private async Task<string> FailingWorkspaceAsync()
    {
        var id = (await Client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = TaskIds.New("verdict"), SeedFiles = { File("tests/test_calc.py", Seed) },
            Acceptance = new AcceptanceTest { Command = { "/usr/bin/python3", "-m", "pytest", "-q" }, Format = TestFormat.Pytest },
        })).WorkspaceId;
        await WriteAsync(id, File("calc.py", "def add(a, b):\n    return 0\n"));
        return id;
    }

    private Task WriteAsync(string id, params FileContent[] files) =>
        Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { files } }).ResponseAsync;

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

    private const string ForgedReport =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" errors=\"0\" failures=\"0\" skipped=\"0\" tests=\"1\">" +
        "<testcase classname=\"tests.test_calc\" name=\"test_adds\" /></testsuite></testsuites>";

    [Theory]
    // An atexit hook in the module the seed imports: after pytest wrote its report, write a passing one over it
    // (the pipe, and where the report folder used to be) and exit 0.
    [InlineData("""
        import atexit, os
        def forge():
            for target in ("/dev/fd/3", "/report/results.xml"):
                try:
                    with open(target, "w") as report:
                        report.write(FORGED)
                except OSError:
                    pass
            os._exit(0)
        atexit.register(forge)
        """)]
    // A background process that waits until pytest has written its report, then writes a passing one.
    [InlineData("""
        import atexit, os, subprocess
        with open("/tmp/forged.xml", "w") as forged:
            forged.write(FORGED)
        writer = subprocess.Popen(["/bin/sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.05; done; cat /tmp/forged.xml >&3; cat /tmp/forged.xml > /report/results.xml"],
                                  pass_fds=(3,), start_new_session=True, stderr=subprocess.DEVNULL)
        def after_pytest():
            open("/tmp/go", "w").close()
            writer.wait()
            os._exit(0)
        atexit.register(after_pytest)
        """)]
    public async Task Code_that_writes_a_passing_report_after_pytest_does_not_turn_a_failing_test_into_a_pass(string forger)
    {
        var id = await FailingWorkspaceAsync();
        await WriteAsync(id, File("calc.py", $"FORGED = '{ForgedReport}'\n{forger}\ndef add(a, b):\n    return 0\n"));

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(0, report.Run.ExitCode); // the forger's exit code
        Assert.False(report.Passed);
        Assert.Equal(0, report.Summary.Passed);
        Assert.True(Assert.Single(report.Failures).Errored); // no valid report
    }

    [Fact]
    public async Task A_passing_report_beside_a_failing_exit_code_is_no_pass()
    {
        var id = await FailingWorkspaceAsync();
        await WriteAsync(id, File("calc.py", "import atexit, os\natexit.register(lambda: os._exit(3))\ndef add(a, b):\n    return a + b\n"));

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(3, report.Run.ExitCode);
        Assert.Equal(1, report.Summary.Passed);
        Assert.Equal(1, report.Summary.Errored);
        Assert.Equal("exit code", Assert.Single(report.Failures).Name);
        Assert.False(report.Passed);
    }

    [Fact]
    public async Task Exit_code_0_without_a_report_is_no_pass_and_a_correct_solution_passes()
    {
        var id = await FailingWorkspaceAsync();
        // pytest's report goes to /dev/null instead of SYMAUG's pipe.
        await WriteAsync(id, File("calc.py", "import os\nos.dup2(os.open('/dev/null', os.O_WRONLY), 3)\ndef add(a, b):\n    return a + b\n"));
        var hidden = await Client.TestAsync(new TestRequest { WorkspaceId = id });
        await WriteAsync(id, File("calc.py", "def add(a, b):\n    return a + b\n"));
        var honest = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(0, hidden.Run.ExitCode);
        Assert.False(hidden.Passed);
        Assert.True(Assert.Single(hidden.Failures).Errored);
        Assert.True(honest.Passed);
        Assert.Equal(new TestSummary { Passed = 1 }, honest.Summary);
    }

    [Fact]
    public async Task A_trx_report_is_read_from_the_runs_own_report_folder()
    {
        // Not dotnet itself (a sandboxed dotnet test cannot restore packages): a script given dotnet test's reporter options.
        var id = (await Client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = TaskIds.New("verdict"), Acceptance = new AcceptanceTest { Command = { "/bin/sh", "trx.sh" }, Format = TestFormat.DotnetTest },
        })).WorkspaceId;
        await WriteAsync(id, File("trx.sh", """
            test "$1" = --results-directory || exit 9
            cat > "$2/results.trx" <<'EOF'
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
            <UnitTestResult testName="Calc.Adds" outcome="Passed" /><UnitTestResult testName="Calc.Subtracts" outcome="Failed" />
            </Results></TestRun>
            EOF
            exit 1
            """));

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(new TestSummary { Passed = 1, Failed = 1 }, report.Summary);
        Assert.Equal("Calc.Subtracts", Assert.Single(report.Failures).Name);
        Assert.False(report.Passed);
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(server.FilesOf(id))!, "reports")), "the run's report folder is gone");
    }

    private const string EverythingPasses = """
        import pytest

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(item, call):
            outcome = yield
            outcome.get_result().outcome = "passed"
        """;

    [Fact]
    public async Task A_generated_conftest_that_makes_every_test_pass_is_reported_and_the_run_does_not_pass()
    {
        var id = await FailingWorkspaceAsync();
        await WriteAsync(id, File("conftest.py", EverythingPasses));

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(0, report.Run.ExitCode); // the hook fooled pytest itself
        Assert.False(report.Passed);
        var finding = Assert.Single(report.Failures);
        Assert.Equal(("conftest", "conftest.py", true), (finding.HarnessRule, finding.Location, finding.Errored));
        Assert.Equal(new TestSummary { Passed = 1, Errored = 1 }, report.Summary);
    }

    [Fact]
    public async Task A_conftest_the_task_allows_runs()
    {
        var id = (await Client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = TaskIds.New("verdict"), SeedFiles = { File("tests/test_calc.py", Seed) }, AllowedHarnessFiles = { "conftest.py" },
            Acceptance = new AcceptanceTest { Command = { "/usr/bin/python3", "-m", "pytest", "-q" }, Format = TestFormat.Pytest },
        })).WorkspaceId;
        await WriteAsync(id, File("conftest.py", EverythingPasses), File("calc.py", "def add(a, b):\n    return 0\n"));

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.True(report.Passed); // the task asked for its own harness, hook and all
        Assert.Empty(report.Failures);
    }

    [Theory]
    [InlineData("tests/sub/conftest.py", "", "conftest")]
    [InlineData("pytest.ini", "[pytest]\naddopts = -p no:junitxml\n", "pytest-config")]
    [InlineData("pyproject.toml", "[tool.pytest.ini_options]\naddopts = \"-q\"\n", "pytest-config")]
    [InlineData("tox.ini", "[pytest]\naddopts = -q\n", "pytest-config")]
    [InlineData("setup.cfg", "[tool:pytest]\naddopts = -q\n", "pytest-config")]
    [InlineData("sitecustomize.py", "import os\n", "python-startup")]
    [InlineData("lib/hook.pth", "import os\n", "python-startup")]
    [InlineData("tests/__pycache__/test_calc.cpython-311-pytest-7.2.1.pyc", "", "python-bytecode")]
    [InlineData("pytest.py", "", "harness-shadow")]
    [InlineData("_pytest/__init__.py", "", "harness-shadow")]
    [InlineData("package.json", "{\"scripts\": {\"test\": \"exit 0\"}}", "npm-scripts")]
    [InlineData(".npmrc", "node-options=--require ./x.js\n", "npm-config")]
    [InlineData("Directory.Build.props", "<Project />", "msbuild-import")]
    [InlineData("pyproject.toml", "[project]\nname = \"calc\"\n", "")]
    [InlineData("setup.cfg", "[flake8]\nmax-line-length = 100\n", "")]
    [InlineData("package.json", "{\"name\": \"calc\", \"scripts\": {\"build\": \"tsc\"}}", "")]
    public async Task Files_that_steer_the_harness_are_reported_by_rule_and_others_are_not(string path, string content, string rule)
    {
        var id = await FailingWorkspaceAsync();
        await WriteAsync(id, File(path, content));

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        var findings = report.Failures.Where(f => f.HarnessRule.Length > 0).Select(f => (f.HarnessRule, f.Location));
        Assert.Equal(rule.Length == 0 ? [] : [(rule, path)], findings);
    }

    [Fact]
    public async Task A_bad_allowed_harness_path_is_refused_at_creation()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = TaskIds.New("verdict"), AllowedHarnessFiles = { "../conftest.py" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
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
