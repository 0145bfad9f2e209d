using Gryphgen.Contracts.Fabric;
using Gryphgen.Contracts.Missions;
using Gryphgen.Symorq.Data;
using Gryphgen.Symorq.Missions.Steps;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// One task worked to its end: iterations of context → generate → test → analyze → monitor → decide, until the
/// acceptance command passes and the monitor finds the work aligned, the budget runs out, the optimizer aborts or
/// the user cancels. Each step is its own type (<see cref="Steps"/>), run durably by the <see cref="StepRunner"/>: a
/// row in the journal, and a step found completed there is read back, not run again, so a task resumed after a
/// restart continues from its last completed step.
/// </summary>
public sealed class TaskRun(TaskRecord task, TaskSpec spec, TaskJournal journal, MissionServices services)
{
    private readonly RunContext _run = new(task, spec, journal, services);

    /// <summary>
    /// Works the task until it ends. <paramref name="cancelled"/> is the user's cancel; <paramref name="stopping"/>
    /// means this replica lets go (shutting down, or its claim was lost): the task stays running for whoever resumes it.
    /// </summary>
    public async Task RunAsync(CancellationToken cancelled, CancellationToken stopping)
    {
        using var budgetClock = new CancellationTokenSource();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancelled, stopping, budgetClock.Token);
        try
        {
            await BeginAsync(budgetClock, run.Token);
            await IterateAsync(run.Token);
        }
        catch (TaskEndedException ended)
        {
            await FinishAsync(ended.State, ended.Reason);
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            await FinishAsync(TaskRecordState.Cancelled, TaskReasons.CancelledByUser);
        }
        catch (OperationCanceledException) when (budgetClock.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            await FinishAsync(TaskRecordState.Failed, $"budget exhausted: the {spec.Budget.Minutes}-minute time budget ran out");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Letting go: what was finished here is kept, so whoever resumes the task does not do it again.
            await journal.SaveAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task BeginAsync(CancellationTokenSource budgetClock, CancellationToken ct)
    {
        if (task.CancelRequested) throw new TaskEndedException(TaskRecordState.Cancelled, TaskReasons.CancelledByUser);
        var resumed = task.State == TaskRecordState.Running;
        task.State = TaskRecordState.Running;
        task.StartedAt ??= services.Time.GetUtcNow();
        await journal.RecordAsync(task, resumed ? TaskEventKinds.Resumed : TaskEventKinds.Started,
            resumed ? $"resumed at iteration {task.Iterations}" : "started", ct: ct);
        var deadline = task.StartedAt.Value + TimeSpan.FromMinutes(spec.Budget.Minutes) - services.Time.GetUtcNow();
        budgetClock.CancelAfter(deadline > TimeSpan.Zero ? deadline : TimeSpan.Zero);
    }

    private async Task IterateAsync(CancellationToken ct)
    {
        await _run.LoadStepsAsync(ct);
        var prepared = await StepAsync(new PrepareStep(_run), ct);
        for (var iteration = Math.Max(1, task.Iterations); ; iteration++)
        {
            if (iteration > task.Iterations) await BeginIterationAsync(iteration, ct);
            _run.BeginIteration(iteration);
            var context = await StepAsync(new ContextStep(_run), ct);
            var generated = await StepAsync(new GenerateStep(_run, iteration, prepared, context), ct);
            var tested = await StepAsync(new TestStep(_run, iteration, prepared, generated), ct);
            var analysis = tested.Passed ? null : await StepAsync(new AnalyzeStep(_run, iteration, prepared, tested), ct);
            var verdict = await StepAsync(new MonitorStep(_run, iteration, prepared, tested, analysis), ct);
            if (tested.Passed && verdict.Aligned)
            {
                await LessonAsync(iteration, succeeded: true, ct);
                throw new TaskEndedException(TaskRecordState.Succeeded,
                    $"the acceptance command passed ({tested.Summary}) and the monitor found the work aligned (score {verdict.Score:0.##})");
            }
            var decided = await StepAsync(new DecideStep(_run, iteration, prepared, tested, analysis, verdict), ct);
            await new DecisionEffect(_run).ApplyAsync(prepared, decided, ct);
            if (decided.Action == OptimizerActions.Abort)
            {
                await LessonAsync(iteration, succeeded: false, ct);
                throw new TaskEndedException(TaskRecordState.Failed, $"aborted by the optimizer: {decided.Reason}");
            }
        }
    }

    private Task<T> StepAsync<T>(IMissionStep<T> step, CancellationToken ct) => new StepRunner(_run).RunAsync(step, ct);

    private async Task BeginIterationAsync(int iteration, CancellationToken ct)
    {
        if (iteration > spec.Budget.Iterations)
        {
            await LessonAsync(iteration - 1, succeeded: false, ct);
            throw new TaskEndedException(TaskRecordState.Failed,
                $"budget exhausted: all {spec.Budget.Iterations} iterations used without passing the acceptance tests " +
                $"(last run: {task.TestsPassed} passed, {task.TestsFailed} failed, {task.TestsErrored} errored)");
        }
        task.Iterations = iteration;
        journal.Note(task, TaskEventKinds.IterationStarted, $"iteration {iteration} of at most {spec.Budget.Iterations}", "");
    }

    /// <summary>What the task taught goes to SYMORG once it ends, unless retrieval is off.</summary>
    private async Task LessonAsync(int iteration, bool succeeded, CancellationToken ct)
    {
        if (iteration < 1 || services.Options.ContextTokens == 0) return;
        await StepAsync(new LessonStep(_run, iteration, succeeded), ct);
    }

    private async Task FinishAsync(TaskRecordState state, string reason)
    {
        task.State = state;
        task.Reason = reason;
        task.FinishedAt = services.Time.GetUtcNow();
        task.CurrentStep = "";
        task.LeaseOwner = null;
        task.LeaseUntil = null;
        await journal.RecordAsync(task, TaskEventKinds.Ended, $"{TaskStateNames.Name(TaskViews.State(state))}: {reason}", ct: CancellationToken.None);
    }
}
