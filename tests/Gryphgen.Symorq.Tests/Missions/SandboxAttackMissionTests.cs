using System.Formats.Tar;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>
/// Through the task path (generated code → test → checkpoint → optimizer revert → export): what generated code does
/// in its sandbox during the acceptance run cannot forge the verdict or the exported tests, cannot take what a
/// concurrent task's run needs, and runs as the workspace's own user with no capabilities. The roles are scripted
/// as if every model had been fooled; only SYMAUG's verdict stands between the code and a "succeeded".
/// </summary>
[Collection(Missions.Name)]
public sealed class SandboxAttackMissionTests(MissionSystem system)
{
    private readonly RoleScripts _scripts = system.Scripts;

    /// <summary>Every role believes the code: the analyzer and the monitor see no problem, the optimizer does <paramref name="decision"/>.</summary>
    private string ScriptFooledRoles(string name, string decision, params (string, string)[] files)
    {
        var marker = RoleScripts.NewMarker(name);
        _scripts.Script(marker, "generator", RoleAnswers.Generate("all tests pass now", files));
        _scripts.Script(marker, "analyzer", RoleAnswers.Analyze("pass", "nothing to fix"));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        _scripts.Script(marker, "optimizer", RoleAnswers.Optimize(decision, "go back to the last tested tree"));
        return marker;
    }

    private async Task<IReadOnlyList<CheckpointInfo>> TestedCheckpointsAsync(TaskInfo task) =>
        (await system.Workspaces.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = task.WorkspaceId })).Checkpoints.Where(c => c.Tested).ToList();

    [Fact]
    public async Task Renaming_the_tests_folder_and_writing_a_stand_in_changes_neither_the_run_after_a_revert_nor_the_exported_tests()
    {
        // At import, during the acceptance run: the protected tests' folder moves away and a passing stand-in takes its place.
        const string forging = """
            import os
            if not os.path.exists("tests_x"):
                os.rename("tests", "tests_x")
                os.mkdir("tests")
                with open("tests/test_x.py", "w") as stand_in:
                    stand_in.write("def test_x():\n    pass\n")

            def count_words(text):
                return 0
            """;
        var marker = ScriptFooledRoles("seedforgery", "revert", ("wc.py", forging));

        var task = await system.SubmitAsync(WordCount.Spec(marker, iterations: 2, folder: "tests/"));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.Equal(TaskState.Failed, done.Task.State);
        Assert.StartsWith("budget exhausted", done.Task.Reason);
        Assert.Equal("revert", MissionSteps.Action(Assert.Single(done.Steps, s => s.Iteration == 1 && s.Kind == "decide")));
        // Iteration 1's run broke off when its tests' folder moved; iteration 2 ran in the tree the revert restored,
        // the stand-in in the tests' folder: the real tests ran again, from their pristine copy, and failed.
        var tested = await TestedCheckpointsAsync(done.Task);
        Assert.Equal(2, tested.Count);
        Assert.True(tested[0].Summary is { Passed: 0, Failed: > 0 } or { Passed: 0, Errored: > 0 }, tested[0].ToString());
        Assert.Equal((1, 2), (tested[1].Summary.Passed, tested[1].Summary.Failed)); // the stand-in's pass beside the real tests' failures
        Assert.Equal(2, done.Task.Tests.Failed);
        Assert.Contains(done.Steps, s => s.Iteration == 2 && s.Kind == "test" && s.Summary.Contains(tested[^1].CheckpointId[..10]));

        var exported = await system.ArtifactsAsync(task.TaskId);
        Assert.Equal(new ExportedEntry(TarEntryType.RegularFile, "", WordCount.Tests + "\n"), exported["tests/test_wc.py"]);
        Assert.Equal(forging, exported["wc.py"].Content);
    }

    [Fact]
    public async Task Code_that_overwrites_the_report_wherever_it_can_and_exits_0_does_not_pass()
    {
        // After pytest wrote its report: a passing JUnit and TAP report everywhere a report might be read, then exit 0.
        const string forging = """
            import atexit, os
            JUNIT = ('<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="2" failures="0" errors="0" skipped="0">'
                     '<testcase classname="test_wc" name="test_spaces"/><testcase classname="test_wc" name="test_tabs_and_newlines"/>'
                     '</testsuite></testsuites>')
            TAP = "TAP version 13\n1..2\nok 1 test_spaces\nok 2 test_tabs_and_newlines\n"

            def forge():
                targets = {"/dev/fd/3": JUNIT, "/report/results.xml": JUNIT, "/report/results.tap": TAP, "results.xml": JUNIT,
                           "report.xml": JUNIT, "results.tap": TAP, "/tmp/results.xml": JUNIT}
                for path, text in targets.items():
                    try: open(path, "w").write(text)
                    except OSError: continue
                os._exit(0)

            atexit.register(forge)

            def count_words(text):
                return 0
            """;
        var marker = ScriptFooledRoles("reportforgery", "continue", ("wc.py", forging));

        var task = await system.SubmitAsync(WordCount.Spec(marker, iterations: 1));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.Equal(TaskState.Failed, done.Task.State);
        Assert.StartsWith("budget exhausted", done.Task.Reason);
        Assert.Equal(0, done.Task.Tests.Passed);
        var checkpoint = Assert.Single(await TestedCheckpointsAsync(done.Task));
        Assert.Equal(0, checkpoint.Summary.Passed);
        Assert.True(checkpoint.Summary.Failed + checkpoint.Summary.Errored > 0, checkpoint.ToString());
        // The forger's own files are just files of the project; the verdict was never read from them.
        Assert.Contains("results.xml", (await system.ArtifactsAsync(task.TaskId)).Keys);
    }

    [Fact]
    public async Task A_fork_bomb_in_one_tasks_tests_does_not_make_a_concurrent_tasks_acceptance_run_fail()
    {
        var bomber = RoleScripts.NewMarker("forkbomb");
        // At import: a fork bomb in its own process group whose every process retries a failed fork, so it stays at
        // its limit (a shell bomb's forks give up and its count swings), until the test drops a file in the
        // workspace (or four minutes pass); then killed as a whole.
        var bombing = $$"""
            import os, signal, subprocess, sys, time
            BOMB = "import os, time\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        time.sleep(0.05)\n# {{bomber}}"
            bomb = subprocess.Popen([sys.executable, "-c", BOMB], start_new_session=True)
            deadline = time.monotonic() + 240
            while not os.path.exists("stop-bomb") and time.monotonic() < deadline:
                time.sleep(0.2)
            for _ in range(50):
                try:
                    os.killpg(bomb.pid, signal.SIGKILL)
                except ProcessLookupError:
                    break
                time.sleep(0.1)

            def count_words(text):
                return 0
            """;
        _scripts.Script(bomber, "generator", RoleAnswers.Generate("bomb", ("wc.py", bombing)));
        _scripts.Script(bomber, "analyzer", RoleAnswers.Analyze("fail", "returns 0"));
        _scripts.Script(bomber, "monitor", RoleAnswers.Monitor(false, 0));
        _scripts.Script(bomber, "optimizer", RoleAnswers.Optimize("continue", "keep trying"));
        var innocent = RoleScripts.NewMarker("innocent");
        _scripts.Script(innocent, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(innocent, "monitor", RoleAnswers.Monitor(true, 1.0));

        var bombed = (await system.SubmitAsync(WordCount.Spec(bomber, iterations: 1))).TaskId;
        await Eventually.Get(() => system.GetAsync(bombed), d => d.Steps.Any(s => s.Kind == "test") || d.Task.State is not (TaskState.Queued or TaskState.Running),
            TimeSpan.FromMinutes(3), "the bomber's acceptance run starting");
        await Eventually.Get(() => Task.FromResult(ProcessesWith(bomber)), count => count >= BombAtItsLimit,
            TimeSpan.FromMinutes(1), "the fork bomb reaching its task's process limit");
        var atItsLimit = System.Diagnostics.Stopwatch.StartNew();
        // Only now the other task: the scripted endpoint has one slot, so its generator is not queued behind the bomb.
        var other = (await system.SubmitAsync(WordCount.Spec(innocent, iterations: 1))).TaskId;

        // The other task's acceptance run starts and ends while the bomb holds every process its run may have.
        var tested = await Eventually.Get(() => system.GetAsync(other),
            d => d.Steps.Any(s => s.Kind == "test" && s.State == "completed") || d.Task.State is not (TaskState.Queued or TaskState.Running),
            TimeSpan.FromMinutes(2), "the other task's acceptance run ending");
        Assert.True(ProcessesWith(bomber) >= BombAtItsLimit, "the bomb was still at its limit when the other run ended");
        // Its run lasts longer than a step may go without progress: the run's own time limit governs its step.
        if (MissionSystem.StallTimeout + TimeSpan.FromSeconds(5) - atItsLimit.Elapsed is { Ticks: > 0 } rest) await Task.Delay(rest);
        var bombedTask = (await system.GetAsync(bombed)).Task;
        await File.WriteAllTextAsync(Path.Combine(system.FilesOf(bombedTask), "stop-bomb"), "");

        var innocentDone = await system.WaitForEndAsync(other);
        var bombedDone = await system.WaitForEndAsync(bombed, TimeSpan.FromMinutes(5));
        Assert.True(innocentDone.Task.State == TaskState.Succeeded, innocentDone.ToString());
        Assert.Equal(2, innocentDone.Task.Tests.Passed);
        Assert.Equal(1, Assert.Single(tested.Steps, s => s.Kind == "test").Attempts);
        Assert.Equal(TaskState.Failed, bombedDone.Task.State);
        Assert.Equal(1, Assert.Single(bombedDone.Steps, s => s.Kind == "test").Attempts);
        Assert.NotEqual(await system.UidOf(bombedDone.Task), await system.UidOf(innocentDone.Task));
        await Eventually.Get(() => Task.FromResult(ProcessesWith(bomber)), count => count == 0, TimeSpan.FromMinutes(1), "the bomb's processes gone");
    }

    /// <summary>
    /// Nearly all of a run's processes (SYMAUG's default limits: 256 in the run's cgroup and 256 for its user), the
    /// rest being the test run's own.
    /// </summary>
    private const int BombAtItsLimit = 200;

    /// <summary>Host processes whose command line holds <paramref name="marker"/> (a bomb's forks keep their parent's).</summary>
    private static int ProcessesWith(string marker) => Directory.EnumerateDirectories("/proc").Count(process =>
    {
        try
        {
            return char.IsAsciiDigit(Path.GetFileName(process)[0]) && File.ReadAllText(Path.Combine(process, "cmdline")).Contains(marker);
        }
        catch (IOException)
        {
            return false; // it ended while being read
        }
    });

    [Fact]
    public async Task A_library_generated_code_preloads_into_the_programs_it_runs_during_its_tests_runs_as_the_sandbox_user_with_no_capabilities()
    {
        // The task path passes no environment to a run: the only way to set a loader variable is code setting it.
        const string preload = "export LD_PRELOAD=/workspace/probe.so\n/bin/true\n/usr/bin/id -u > /dev/null\n";
        const string building = """
            import subprocess
            subprocess.run(["gcc", "-shared", "-fPIC", "-o", "probe.so", "probe.c"], check=True)
            subprocess.run(["/bin/sh", "preload.sh"], check=True)

            def count_words(text):
                return len(text.split())
            """;
        var marker = ScriptFooledRoles("preload", "continue", ("probe.c", LoaderProbe.Source), ("preload.sh", preload), ("wc.py", building));

        var task = await system.SubmitAsync(WordCount.Spec(marker, iterations: 1));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        var loadedInto = (await system.ArtifactsAsync(task.TaskId))["probe.log"].Content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(loadedInto.Length >= 2, string.Join('|', loadedInto)); // true and id: the library was loaded
        var uid = await system.UidOf(done.Task);
        Assert.All(loadedInto, process => Assert.Equal($"{uid} {LoaderProbe.NoCapabilities}", process));
    }
}
