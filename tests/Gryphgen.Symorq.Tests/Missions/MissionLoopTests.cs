using System.Collections.Concurrent;
using System.Diagnostics;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests.Missions;

[CollectionDefinition(Name)]
public sealed class Missions : ICollectionFixture<MissionSystem>
{
    public const string Name = "missions";
}

/// <summary>Tasks worked end to end by the real services and agents, the model scripted per role.</summary>
[Collection(Missions.Name)]
public sealed class MissionLoopTests(MissionSystem system)
{
    private readonly RoleScripts _scripts = system.Scripts;

    [Fact]
    public async Task A_failing_first_solution_is_diagnosed_fixed_and_its_artifact_passes_on_its_own()
    {
        var marker = RoleScripts.NewMarker("fix");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("split on spaces", WordCount.SpacesOnly), RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "split() without an argument splits on any whitespace", ("wc.py", 2, "splits on spaces only")));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0.5, "counts words separated by any whitespace"), RoleAnswers.Monitor(true, 1.0));
        _scripts.Script(marker, "optimizer", RoleAnswers.Optimize("continue", "one test left to fix"));

        var task = await system.SubmitAsync(WordCount.Spec(marker));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        Assert.Equal(2, done.Task.Iterations);
        Assert.Equal(2, done.Task.Tests.Passed);
        Assert.True(done.Task.Tokens > 0);
        var generatorPrompts = system.Llm.Requests.Where(r => r.Text.Contains(marker) && r.Header("X-Gryphgen-Role") == "generator").ToList();
        Assert.Equal(Attempts(done, "generate"), generatorPrompts.Count);
        // The second iteration's generation was told what failed and what the analyzer found.
        Assert.Contains("test_tabs_and_newlines", generatorPrompts[^1].Text);
        Assert.Contains("split() without an argument", generatorPrompts[^1].Text);
        Assert.All(generatorPrompts, r => Assert.Equal(task.TaskId, r.Header("X-Gryphgen-Task")));
        Assert.All(generatorPrompts, r => Assert.Equal(system.Llm.ModelId, (string?)r.Body["model"]));
        Assert.Contains(done.Steps, s => s.Kind == "lesson" && s.State == "completed");
        // The context is the task's, built once: the second iteration read it back.
        Assert.Equal(1, Assert.Single(done.Steps, s => s.Kind == "context").Iteration);

        var project = await system.UnpackArtifactsAsync(task.TaskId);
        Assert.Equal(WordCount.Correct.Item2, await File.ReadAllTextAsync(Path.Combine(project, "wc.py")));
        // The system python3, which scripts/setup.sh gives pytest, as the sandbox runs it.
        await using var pytest = LoggedProcess.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider"]) { WorkingDirectory = project });
        await pytest.WaitForExitAsync();
        Assert.True(pytest.ExitCode == 0, pytest.Log);
    }

    [Fact]
    public async Task A_regression_is_reverted_to_the_best_checkpoint_by_the_optimizer()
    {
        var marker = RoleScripts.NewMarker("revert");
        _scripts.Script(marker, "generator",
            RoleAnswers.Generate("split on spaces", WordCount.SpacesOnly),
            RoleAnswers.Generate("rewrite", WordCount.Broken),
            RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "tests fail"));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0.4, "whitespace"), RoleAnswers.Monitor(false, 0.1, "whitespace"), RoleAnswers.Monitor(true, 1.0));
        _scripts.Script(marker, "optimizer",
            RoleAnswers.Optimize("continue", "one test passes"),
            RoleAnswers.Optimize("revert", "the rewrite broke the passing test"));

        var task = await system.SubmitAsync(WordCount.Spec(marker));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        Assert.Equal(3, done.Task.Iterations);
        var decide = Assert.Single(done.Steps, s => s.Iteration == 2 && s.Kind == "decide");
        Assert.Equal("revert", MissionSteps.Action(decide));
        Assert.Contains("1 passed, 1 failed", decide.Summary); // the checkpoint it went back to: iteration 1's
        // After the revert the generator saw the spaces-only version again, not the broken one.
        var third = system.Llm.Requests.Last(r => r.Text.Contains(marker) && r.Header("X-Gryphgen-Role") == "generator");
        Assert.Contains("spaces-only", third.Text);
    }

    [Fact]
    public async Task A_task_that_runs_out_of_iterations_fails_with_that_reason()
    {
        var marker = RoleScripts.NewMarker("budget");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("never right", WordCount.Broken));
        _scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "returns 0"));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0));
        _scripts.Script(marker, "optimizer", RoleAnswers.Optimize("continue", "keep trying"));

        var task = await system.SubmitAsync(WordCount.Spec(marker, iterations: 2));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.Equal(TaskState.Failed, done.Task.State);
        Assert.Equal(2, done.Task.Iterations);
        Assert.Equal(done.Task.MaxIterations, done.Task.Iterations);
        Assert.StartsWith("budget exhausted", done.Task.Reason);
        Assert.Equal(Attempts(done, "generate"), _scripts.Calls(marker, "generator"));
    }

    [Fact]
    public async Task The_optimizer_escalates_the_generator_to_the_stronger_alias_and_can_abort()
    {
        var marker = RoleScripts.NewMarker("escalate");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("never right", WordCount.Broken));
        _scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "returns 0"));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0));
        _scripts.Script(marker, "optimizer", RoleAnswers.Optimize("escalate", "the model is stuck"), RoleAnswers.Optimize("abort", "no progress with the stronger model either"));

        var task = await system.SubmitAsync(WordCount.Spec(marker));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.Equal(TaskState.Failed, done.Task.State);
        Assert.EndsWith("no progress with the stronger model either", done.Task.Reason); // the optimizer's own reason
        // The first generation went to the usual endpoint, the second to the one serving the stronger alias.
        bool Generation(ScriptedRequest r) => r.Text.Contains(marker) && r.Header("X-Gryphgen-Role") == "generator";
        Assert.Single(system.Llm.Requests, Generation);
        Assert.Single(system.StrongLlm.Requests, Generation);
        var decide = Assert.Single(done.Steps, s => s.Iteration == 1 && s.Kind == "decide");
        Assert.Equal("escalate", MissionSteps.Action(decide));
        Assert.Contains($"'{MissionSystem.StrongAlias}'", decide.Summary);
    }

    [Fact]
    public async Task A_step_without_progress_is_restarted_by_the_health_loop()
    {
        var marker = RoleScripts.NewMarker("stall");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        // The first call hangs past the stall timeout; the health loop cancels it and asks again.
        var taskId = await SubmitHoldingAsync(marker, "generator", calls: 2, whileHeld: _ => Task.CompletedTask);
        var done = await system.WaitForEndAsync(taskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        // At least: on a slow machine the second attempt may stall too, and the loop restarts it again.
        Assert.True(Assert.Single(done.Steps, s => s.Kind == "generate").Attempts >= 2, done.ToString());
        var events = await WatchAllAsync(taskId);
        Assert.Contains(events, e => e.Kind == "step-stalled" && e.Step == "generate" && e.Message.Contains("the health loop restarts it"));
    }

    [Fact]
    public async Task The_optimizer_restarts_an_iteration_from_where_it_began()
    {
        var marker = RoleScripts.NewMarker("restartstep");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("broken", WordCount.Broken), RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "returns 0"));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0), RoleAnswers.Monitor(true, 1.0));
        _scripts.Script(marker, "optimizer", RoleAnswers.Optimize("restart", "start over"));

        var task = await system.SubmitAsync(WordCount.Spec(marker));
        var done = await system.WaitForEndAsync(task.TaskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        var decide = Assert.Single(done.Steps, s => s.Kind == "decide");
        Assert.Equal("restart", MissionSteps.Action(decide));
        // Restarted from the seed files: the second attempt did not see the broken wc.py.
        var second = system.Llm.Requests.Last(r => r.Text.Contains(marker) && r.Header("X-Gryphgen-Role") == "generator");
        Assert.DoesNotContain(WordCount.Broken.Item2.TrimEnd(), second.Text);
        Assert.Contains(WordCount.Broken.Item2.TrimEnd(), system.Llm.Requests.First(r => r.Text.Contains(marker) && r.Header("X-Gryphgen-Role") == "analyzer").Text);
    }

    [Fact]
    public async Task A_cancelled_task_stops_and_says_so()
    {
        var marker = RoleScripts.NewMarker("cancel");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("never answered", WordCount.Correct));
        TaskInfo? cancelling = null;
        var taskId = await SubmitHoldingAsync(marker, "generator", calls: 1,
            whileHeld: async id => cancelling = await system.Tasks.CancelAsync(new TaskRef { TaskId = id }));
        var done = await system.WaitForEndAsync(taskId);

        Assert.Equal(taskId, cancelling?.TaskId);
        Assert.Equal(TaskState.Cancelled, done.Task.State);
        Assert.Equal("cancelled by the user", done.Task.Reason);
        Assert.DoesNotContain(done.Steps, s => s.Kind == "test");
    }

    [Fact]
    public async Task A_task_survives_SYMORQ_being_killed_and_no_completed_step_runs_twice()
    {
        var marker = RoleScripts.NewMarker("restart");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("split on spaces", WordCount.SpacesOnly), RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "split() without an argument"));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0.5), RoleAnswers.Monitor(true, 1.0));
        _scripts.Script(marker, "optimizer", RoleAnswers.Optimize("continue", "fixable"));
        var taskId = await SubmitHoldingAsync(marker, "analyzer", calls: 1, whileHeld: _ => system.RestartSymorqAsync());

        var done = await system.WaitForEndAsync(taskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        var attempts = done.Steps.ToDictionary(s => (s.Iteration, s.Kind), s => s.Attempts);
        // Everything completed before the kill ran once; the analysis that was under way ran again. Each model call
        // is one recorded attempt, so no step ran without the journal knowing.
        Assert.All(new[] { (0, "prepare"), (1, "context"), (1, "generate"), (1, "test") }, step => Assert.Equal(1, attempts[step]));
        Assert.True(attempts[(1, "analyze")] >= 2, done.ToString());
        Assert.Equal(Attempts(done, "generate"), _scripts.Calls(marker, "generator"));
        Assert.Equal(Attempts(done, "monitor"), _scripts.Calls(marker, "monitor"));
    }

    [Fact]
    public async Task A_run_whose_claim_was_superseded_writes_nothing_more_and_the_new_claim_finishes_the_task()
    {
        var marker = RoleScripts.NewMarker("fenced");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        long lastEventBefore = 0;
        // A later claim while the generator works. The replica's name stays on the lease, so its renewals go on and
        // only the claim number (the fence) can tell the running work that it is no longer the task's.
        var taskId = await SubmitHoldingAsync(marker, "generator", calls: 1, whileHeld: async id => lastEventBefore = await system.SqlAsync<long>(
            "UPDATE symorq.tasks SET lease_generation = lease_generation + 1 WHERE id = @id " +
            "RETURNING (SELECT coalesce(max(sequence), 0) FROM symorq.task_events WHERE task_id = @id)", id));

        var done = await system.WaitForEndAsync(taskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        // The old run's answer arrived after the takeover and nothing of it was saved: the next event is the resume
        // under the new claim, which asked the generator again.
        var kinds = await system.SqlListAsync("SELECT kind FROM symorq.task_events WHERE task_id = @id AND sequence > @after ORDER BY sequence", taskId, ("after", lastEventBefore));
        Assert.Equal("resumed", kinds[0]);
        Assert.Equal(2, done.Steps.Single(s => s is { Iteration: 1, Kind: "generate" }).Attempts);
        Assert.Equal(2, _scripts.Calls(marker, "generator"));
        var checkpoints = await system.Workspaces.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = done.Task.WorkspaceId });
        Assert.Equal(["workspace created", "iteration 1"], checkpoints.Checkpoints.Select(c => c.Message.Split(':')[0]));
    }

    [Fact]
    public async Task A_task_waits_out_SYMAUG_being_down_without_spending_the_steps_attempts()
    {
        var marker = RoleScripts.NewMarker("symaug-down");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        // Down while the generator works: the test step's first calls find no SYMAUG, several times over (at once,
        // three failures would have ended the task).
        var taskId = await SubmitHoldingAsync(marker, "generator", calls: 1, whileHeld: _ =>
        {
            system.KillSymaug();
            return Task.CompletedTask;
        });
        var events = new ConcurrentQueue<TaskEvent>();
        var watching = WatchAllAsync(taskId, events);
        await Eventually.Get(() => Task.FromResult(events.Count(e => e.Kind == "warning")), waits => waits >= 2,
            TimeSpan.FromMinutes(1), "the test step waiting for SYMAUG twice");
        await system.StartSymaugAgainAsync();

        var done = await system.WaitForEndAsync(taskId);
        await watching;

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        Assert.Equal(1, done.Steps.Single(s => s is { Iteration: 1, Kind: "test" }).Attempts);
        Assert.All(events.Where(e => e.Kind == "warning"), w => Assert.StartsWith("test: a service is unavailable", w.Message));
    }

    [Fact]
    public async Task Twenty_tasks_of_mixed_priority_submitted_at_once_all_end_and_none_is_lost()
    {
        var marker = RoleScripts.NewMarker("many");
        _scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        _scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        string[] priorities = ["high", "normal", "low", "9", "0"];

        var submitted = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => system.SubmitAsync(WordCount.Spec(marker, priority: priorities[i % priorities.Length]))));
        var ended = await Task.WhenAll(submitted.Select(t => system.WaitForEndAsync(t.TaskId, TimeSpan.FromMinutes(5))));

        Assert.Equal(20, submitted.Select(t => t.TaskId).Distinct().Count());
        Assert.All(ended, d => Assert.True(d.Task.State == TaskState.Succeeded, d.ToString()));
        var listed = await system.Tasks.ListAsync(new ListTasksRequest { State = TaskState.Succeeded, Limit = 500 });
        Assert.Subset(listed.Tasks.Select(t => t.TaskId).ToHashSet(), submitted.Select(t => t.TaskId).ToHashSet());
        // Each task generated at least once; any more calls are restarts the tasks recorded (a step queued behind
        // nineteen others may stall before its job reaches an agent, so attempts can exceed calls).
        Assert.InRange(_scripts.Calls(marker, "generator"), 20, ended.Sum(d => Attempts(d, "generate")));
    }

    /// <summary>
    /// Every attempt of a kind of step in the task: the model calls it made, however many restarts a slow machine
    /// caused.
    /// </summary>
    private static int Attempts(TaskDetail done, string kind) => done.Steps.Where(s => s.Kind == kind).Sum(s => s.Attempts);

    /// <summary>
    /// Submits the scenario's task with <paramref name="role"/>'s answers held, waits until the role has been asked
    /// <paramref name="calls"/> times, does <paramref name="whileHeld"/> to the task, then lets the answers go.
    /// </summary>
    private async Task<string> SubmitHoldingAsync(string marker, string role, int calls, Func<string, Task> whileHeld)
    {
        _scripts.Hold(marker, role);
        try
        {
            var taskId = (await system.SubmitAsync(WordCount.Spec(marker))).TaskId;
            await Eventually.Get(() => Task.FromResult(_scripts.Calls(marker, role)), n => n >= calls,
                MissionSystem.StallTimeout * 4, $"the {role} being asked {calls} time(s)");
            await whileHeld(taskId);
            return taskId;
        }
        finally
        {
            _scripts.Release(marker, role);
        }
    }

    /// <summary>Every event of the task until it ends, each also in <paramref name="sink"/> as it arrives.</summary>
    private async Task<List<TaskEvent>> WatchAllAsync(string taskId, ConcurrentQueue<TaskEvent>? sink = null)
    {
        var events = new List<TaskEvent>();
        using var call = system.Tasks.Watch(new WatchTaskRequest { TaskId = taskId });
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current);
            sink?.Enqueue(call.ResponseStream.Current);
        }
        return events;
    }
}
