using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>
/// Through the task path: a generated file that steers the test harness cannot make a task succeed, and the
/// analyzer is told about it; the task's spec can allow it.
/// </summary>
[Collection(Missions.Name)]
public sealed class HarnessFileMissionTests(MissionSystem system)
{
    private readonly RoleScripts _scripts = system.Scripts;

    // A pytest hook that turns every failing test into a passing one.
    private static readonly (string, string) EverythingPasses = ("conftest.py", """
        import pytest

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(item, call):
            outcome = yield
            outcome.get_result().outcome = "passed"
        """);

    private string ScriptForgery(string name)
    {
        var marker = RoleScripts.NewMarker(name);
        _scripts.Script(marker, "generator", RoleAnswers.Generate("make the tests pass", WordCount.Broken, EverythingPasses));
        _scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "conftest.py forces every outcome"));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        _scripts.Script(marker, "optimizer", RoleAnswers.Optimize("continue", "keep trying"));
        return marker;
    }

    [Fact]
    public async Task A_generated_conftest_that_makes_every_test_pass_does_not_make_the_task_succeed()
    {
        var marker = ScriptForgery("conftest");

        var task = await system.SubmitAsync(WordCount.Spec(marker, iterations: 1));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.Equal(TaskState.Failed, done.Task.State);
        Assert.StartsWith("budget exhausted", done.Task.Reason);
        var analyzerPrompt = Assert.Single(system.Llm.Requests, r => r.Text.Contains(marker) && r.Header("X-Gryphgen-Role") == "analyzer");
        Assert.Contains("harness file: conftest.py", analyzerPrompt.Text);
    }

    [Fact]
    public async Task A_conftest_the_spec_allows_runs_as_the_task_asked()
    {
        var marker = ScriptForgery("allowed");

        var task = await system.SubmitAsync(WordCount.Spec(marker, iterations: 1) + "\nsandbox: { allow_harness_files: [conftest.py] }\n");
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
    }
}
