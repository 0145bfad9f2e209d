using System.Formats.Tar;
using System.IO.Compression;
using Grpc.Core;
using Gryphgen.Contracts;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>Acceptance tests with structured results, git checkpoints, revert, best, diff, export, restart.</summary>
public sealed class CheckpointTests(SymaugServer server) : IClassFixture<SymaugServer>
{
    private const string PytestSeed = """
        from calc import add

        def test_adds():
            assert add(2, 3) == 5

        def test_adds_negatives():
            assert add(-2, -3) == -5

        def test_zero():
            assert add(0, 0) == 0
        """;

    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    private async Task<string> PytestWorkspaceAsync() => (await Client.CreateAsync(new CreateWorkspaceRequest
    {
        TaskId = TaskIds.New("calc"), SeedFiles = { File("test_calc.py", PytestSeed) },
        Acceptance = new AcceptanceTest { Command = { "/usr/bin/python3", "-m", "pytest", "-q" }, Format = TestFormat.Pytest },
    })).WorkspaceId;

    private Task<WriteFilesReply> WriteAsync(string id, string path, string content) =>
        Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File(path, content) } }).ResponseAsync;

    [Fact]
    public async Task Pytest_results_are_counted_with_each_failures_name_message_and_location()
    {
        var id = await PytestWorkspaceAsync();
        await WriteAsync(id, "calc.py", "def add(a, b):\n    return a + b if a >= 0 else 0\n");

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(new TestSummary { Passed = 2, Failed = 1 }, report.Summary);
        var failure = Assert.Single(report.Failures);
        Assert.Equal("test_calc::test_adds_negatives", failure.Name);
        Assert.Contains("assert 0 == -5", failure.Message);
        Assert.Equal("test_calc.py:7", failure.Location);
        Assert.False(failure.Errored);
        Assert.Equal(1, report.Run.ExitCode);
    }

    [Fact]
    public async Task A_module_that_does_not_import_is_an_error_not_a_failure()
    {
        var id = await PytestWorkspaceAsync();
        await WriteAsync(id, "calc.py", "def add(a, b) return a + b\n");

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(1, report.Summary.Errored);
        Assert.Equal(0, report.Summary.Passed);
        Assert.True(Assert.Single(report.Failures).Errored);
    }

    [Fact]
    public async Task Node_test_results_come_from_its_tap_report()
    {
        var id = (await Client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = TaskIds.New("node"), SeedFiles = { File("test/calc.test.js", """
                const test = require('node:test');
                const assert = require('node:assert');
                const { add } = require('../calc.js');
                test('adds', () => assert.strictEqual(add(2, 3), 5));
                test('adds negatives', () => assert.strictEqual(add(-2, -3), -5));
                """) },
            Acceptance = new AcceptanceTest { Command = { "node", "--test" }, Format = TestFormat.NodeTest },
        })).WorkspaceId;
        await WriteAsync(id, "calc.js", "exports.add = (a, b) => a >= 0 ? a + b : 0;\n");

        var report = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(new TestSummary { Passed = 1, Failed = 1 }, report.Summary);
        var failure = Assert.Single(report.Failures);
        Assert.Equal("adds negatives", failure.Name);
        Assert.Contains("Expected values to be strictly equal", failure.Message);
        Assert.StartsWith("test/calc.test.js:5", failure.Location);
    }

    [Fact]
    public async Task Any_other_command_is_judged_by_its_exit_code()
    {
        var id = (await Client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = TaskIds.New("exit"), Acceptance = new AcceptanceTest { Command = { "/bin/sh", "check.sh" } },
        })).WorkspaceId;
        await WriteAsync(id, "check.sh", "echo 'wrong answer' >&2; exit 4\n");
        var failing = await Client.TestAsync(new TestRequest { WorkspaceId = id });
        await WriteAsync(id, "check.sh", "exit 0\n");
        var passing = await Client.TestAsync(new TestRequest { WorkspaceId = id });

        Assert.Equal(new TestSummary { Failed = 1 }, failing.Summary);
        Assert.Contains("wrong answer", Assert.Single(failing.Failures).Message);
        Assert.Equal(new TestSummary { Passed = 1 }, passing.Summary);
    }

    [Fact]
    public async Task Checkpoints_record_test_summaries_the_best_is_found_and_revert_restores_exactly_that_commit()
    {
        var id = await PytestWorkspaceAsync();
        await WriteAsync(id, "calc.py", "def add(a, b):\n    return a + b if a >= 0 else 0\n");
        var partial = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "first try" });
        await WriteAsync(id, "calc.py", "def add(a, b):\n    return a + b\n");
        await WriteAsync(id, "notes.md", "works\n");
        var complete = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "fixed negatives" });
        await WriteAsync(id, "calc.py", "def add(a, b):\n    return 0\n");
        await Client.RunAsync(Shell(id, "mkdir -p build && echo junk > build/out.o"));
        var broken = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "refactor" });

        Assert.Equal(new TestSummary { Passed = 2, Failed = 1 }, partial.Summary);
        Assert.Equal(new TestSummary { Passed = 3 }, complete.Summary);
        Assert.Equal(1, broken.Summary.Passed);
        var best = await Client.BestCheckpointAsync(new WorkspaceRef { WorkspaceId = id });
        Assert.Equal(complete.CheckpointId, best.CheckpointId);
        var all = await Client.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = id });
        Assert.Equal(["workspace created", "first try", "fixed negatives", "refactor"], all.Checkpoints.Select(c => c.Message));

        await Client.RevertAsync(new RevertRequest { WorkspaceId = id, CheckpointId = partial.CheckpointId });
        var files = await Client.ListFilesAsync(new WorkspaceRef { WorkspaceId = id });
        Assert.Equal(["calc.py", "test_calc.py"], files.Files.Select(f => f.Path));
        Assert.Contains("else 0", (await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "calc.py" })).Content.ToStringUtf8());
        // The reverted tree is the sandbox's to change again.
        Assert.Equal(0, (await Client.RunAsync(Shell(id, "echo more >> calc.py"))).ExitCode);

        await Client.RevertAsync(new RevertRequest { WorkspaceId = id, CheckpointId = best.CheckpointId });
        Assert.Equal(new TestSummary { Passed = 3 }, (await Client.TestAsync(new TestRequest { WorkspaceId = id })).Summary);
    }

    [Fact]
    public async Task A_checkpoint_holds_the_tree_exactly_ignored_files_modes_and_deletions_included()
    {
        var id = await PytestWorkspaceAsync();
        await WriteAsync(id, ".gitignore", "build/\n*.log\n");
        await WriteAsync(id, "gone.txt", "soon deleted\n");
        await WriteAsync(id, "run.sh", "#!/bin/sh\necho hi\n");
        Assert.Equal(0, (await Client.RunAsync(Shell(id, "chmod +x run.sh && mkdir -p build && echo obj > build/out.o && echo one > app.log"))).ExitCode);
        var first = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "everything", SkipTests = true });
        Assert.Equal(0, (await Client.RunAsync(Shell(id, "rm gone.txt && echo two > app.log"))).ExitCode);
        var second = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "one deleted", SkipTests = true });

        Assert.Equal(["100644 .gitignore", "100644 app.log", "100644 build/out.o", "100644 gone.txt", "100755 run.sh", "100644 test_calc.py"],
            await TreeAsync(id, first.CheckpointId));
        Assert.DoesNotContain("100644 gone.txt", await TreeAsync(id, second.CheckpointId));

        await Client.RevertAsync(new RevertRequest { WorkspaceId = id, CheckpointId = first.CheckpointId });
        Assert.Equal("soon deleted\n", (await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "gone.txt" })).Content.ToStringUtf8());
        Assert.Equal("one\n", (await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "app.log" })).Content.ToStringUtf8());
    }

    /// <summary>A checkpoint's files and modes, as the git command line reads the repository SYMAUG wrote.</summary>
    private async Task<IReadOnlyList<string>> TreeAsync(string id, string commit)
    {
        var gitDir = Path.Combine(Path.GetDirectoryName(server.FilesOf(id))!, "git");
        var start = new System.Diagnostics.ProcessStartInfo("git", ["--git-dir", gitDir, "ls-tree", "-r", "--format=%(objectmode) %(path)", commit])
        {
            RedirectStandardOutput = true,
        };
        using var git = System.Diagnostics.Process.Start(start)!;
        var output = await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.Equal(0, git.ExitCode);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task The_diff_against_a_checkpoint_shows_changed_and_new_files()
    {
        var id = await PytestWorkspaceAsync();
        await WriteAsync(id, "calc.py", "def add(a, b):\n    return a + b\n");
        var checkpoint = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "works", SkipTests = true });
        await WriteAsync(id, "calc.py", "def add(a, b):\n    return b + a\n");
        await Client.RunAsync(Shell(id, "echo generated > new.txt"));

        var diff = (await Client.DiffAsync(new DiffRequest { WorkspaceId = id, CheckpointId = checkpoint.CheckpointId })).UnifiedDiff;

        Assert.False(checkpoint.Tested);
        Assert.Contains("-    return a + b", diff);
        Assert.Contains("+    return b + a", diff);
        Assert.Contains("+++ b/new.txt", diff);
        Assert.DoesNotContain("test_calc.py", diff);
    }

    [Fact]
    public async Task Unknown_checkpoints_and_untested_workspaces_are_refused()
    {
        var id = await PytestWorkspaceAsync();
        var revert = await Assert.ThrowsAsync<RpcException>(() => Client.RevertAsync(new RevertRequest { WorkspaceId = id, CheckpointId = "0123abc" }).ResponseAsync);
        var best = await Assert.ThrowsAsync<RpcException>(() => Client.BestCheckpointAsync(new WorkspaceRef { WorkspaceId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, revert.StatusCode);
        Assert.Equal(StatusCode.NotFound, best.StatusCode);
        Assert.Contains("no tested checkpoint", best.Status.Detail);
    }

    [Fact]
    public async Task The_export_is_a_tar_gz_of_the_files_without_git_internals_or_special_files()
    {
        var id = await PytestWorkspaceAsync();
        await WriteAsync(id, "calc.py", "def add(a, b):\n    return a + b\n");
        await Client.RunAsync(Shell(id, "mkfifo pipe; mkdir -p sub/.git && echo x > sub/.git/HEAD"));

        using var archive = new MemoryStream();
        using var call = Client.Export(new WorkspaceRef { WorkspaceId = id });
        await foreach (var chunk in call.ResponseStream.ReadAllAsync()) chunk.Data.WriteTo(archive);
        archive.Position = 0;

        var entries = new Dictionary<string, string>();
        await using (var reader = new TarReader(new GZipStream(archive, CompressionMode.Decompress)))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                entries[entry.Name] = entry.DataStream is null ? entry.EntryType.ToString() : await new StreamReader(entry.DataStream).ReadToEndAsync();
            }
        }
        Assert.Equal(["calc.py", "sub", "test_calc.py"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("def add(a, b):\n    return a + b\n", entries["calc.py"]);
    }

    [Fact]
    public async Task A_workspace_and_its_checkpoints_survive_a_restart_of_symaug()
    {
        var id = await PytestWorkspaceAsync();
        await WriteAsync(id, "calc.py", "def add(a, b):\n    return a + b\n");
        var checkpoint = await Client.CheckpointAsync(new CheckpointRequest { WorkspaceId = id, Message = "before restart" });

        await server.RestartAsync();

        Assert.Equal("def add(a, b):\n    return a + b\n",
            (await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "calc.py" })).Content.ToStringUtf8());
        var best = await Client.BestCheckpointAsync(new WorkspaceRef { WorkspaceId = id });
        Assert.Equal(checkpoint.CheckpointId, best.CheckpointId);
        Assert.Equal(3, (await Client.TestAsync(new TestRequest { WorkspaceId = id })).Summary.Passed);
        var overwrite = await Assert.ThrowsAsync<RpcException>(() => WriteAsync(id, "test_calc.py", "def test_x(): pass\n"));
        Assert.Equal(StatusCode.InvalidArgument, overwrite.StatusCode);
    }
}
