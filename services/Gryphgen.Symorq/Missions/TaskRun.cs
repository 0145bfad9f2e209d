using System.Text.Json;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Acceptance;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Contracts.Missions;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// One task worked to its end: iterations of context → generate → test → analyze → monitor → decide, until the
/// acceptance command passes and the monitor finds the work aligned, the budget runs out, the optimizer aborts or
/// the user cancels. Each step is a row in the journal; a step found completed there is read back, not run again,
/// so a task resumed after a restart continues from its last completed step.
/// </summary>
public sealed class TaskRun(TaskRecord task, TaskSpec spec, TaskJournal journal, MissionServices services)
{
    private readonly WorkflowOptions _options = services.Options;
    private List<StepRecord> _steps = [];
    private List<StepRecord> _earlierSteps = [];
    private IReadOnlyList<WorkspaceFile>? _files;

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
            await FinishAsync(TaskState.Cancelled, TaskReasons.CancelledByUser);
        }
        catch (OperationCanceledException) when (budgetClock.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            await FinishAsync(TaskState.Failed, $"budget exhausted: the {spec.Budget.Minutes}-minute time budget ran out");
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
        if (task.CancelRequested) throw new TaskEndedException(TaskState.Cancelled, TaskReasons.CancelledByUser);
        var resumed = task.State == TaskState.Running;
        task.State = TaskState.Running;
        task.StartedAt ??= services.Time.GetUtcNow();
        await journal.RecordAsync(task, resumed ? TaskEventKinds.Resumed : TaskEventKinds.Started,
            resumed ? $"resumed at iteration {task.Iterations}" : "started", ct: ct);
        var deadline = task.StartedAt.Value + TimeSpan.FromMinutes(spec.Budget.Minutes) - services.Time.GetUtcNow();
        budgetClock.CancelAfter(deadline > TimeSpan.Zero ? deadline : TimeSpan.Zero);
    }

    private async Task IterateAsync(CancellationToken ct)
    {
        _steps = await journal.StepsAsync(task.Id, ct);
        var prepared = await StepAsync(0, StepKinds.Prepare, PrepareAsync, ct);
        for (var iteration = Math.Max(1, task.Iterations); ; iteration++)
        {
            if (iteration > task.Iterations) await BeginIterationAsync(iteration, ct);
            _earlierSteps = _steps.Where(s => s.Iteration < iteration).ToList();

            // The context depends on the task alone (title, description, requirements, collections), so the first
            // iteration builds it and the later ones read it back.
            var context = await StepAsync(1, StepKinds.Context, (_, c) => ContextAsync(c), ct);
            var generated = await StepAsync(iteration, StepKinds.Generate, (watch, c) => GenerateAsync(prepared, context, watch, c), ct, onlyAsksAnAgent: true);
            // The acceptance run reports nothing until it ends, and SYMAUG ends it at its time limit: only after that
            // may the step count as stalled.
            var tested = await StepAsync(iteration, StepKinds.Test, (_, c) => TestAsync(prepared, iteration, generated, c), ct,
                stallTimeout: _options.TestTimeLimit + _options.StepStallTimeout);
            var analysis = tested.Passed ? null
                : await StepAsync(iteration, StepKinds.Analyze, (watch, c) => AnalyzeAsync(prepared, tested, watch, c), ct, onlyAsksAnAgent: true);
            var verdict = await StepAsync(iteration, StepKinds.Monitor, (watch, c) => MonitorAsync(prepared, tested, analysis, watch, c), ct, onlyAsksAnAgent: true);
            if (tested.Passed && verdict.Aligned)
            {
                await LessonAsync(iteration, succeeded: true, ct);
                throw new TaskEndedException(TaskState.Succeeded,
                    $"the acceptance command passed ({tested.Summary}) and the monitor found the work aligned (score {verdict.Score:0.##})");
            }
            var decided = await StepAsync(iteration, StepKinds.Decide, (watch, c) => DecideAsync(prepared, tested, analysis, verdict, watch, c), ct);
            await ApplyAsync(prepared, iteration, decided, ct);
        }
    }

    private async Task BeginIterationAsync(int iteration, CancellationToken ct)
    {
        if (iteration > spec.Budget.Iterations)
        {
            await LessonAsync(iteration - 1, succeeded: false, ct);
            throw new TaskEndedException(TaskState.Failed,
                $"budget exhausted: all {spec.Budget.Iterations} iterations used without passing the acceptance tests " +
                $"(last run: {task.TestsPassed} passed, {task.TestsFailed} failed, {task.TestsErrored} errored)");
        }
        task.Iterations = iteration;
        journal.Note(task, TaskEventKinds.IterationStarted, $"iteration {iteration} of at most {spec.Budget.Iterations}", "");
    }

    /// <summary>
    /// Runs one step unless the journal has it completed; restarts it when it stalls (no progress for
    /// <paramref name="stallTimeout"/>, by default <see cref="WorkflowOptions.StepStallTimeout"/>) or fails, up to <see cref="WorkflowOptions.MaxStepAttempts"/>.
    /// A step that only asks an agent (<paramref name="onlyAsksAnAgent"/>) goes out while its start is being saved,
    /// so the save and the agent's round trip overlap: such work reads the task but changes neither it nor the
    /// journal, so nothing races the save, and whatever it returns waits for the save before it is recorded. (A crash
    /// in those milliseconds loses the attempt's count, never a completed step.)
    /// </summary>
    private async Task<T> StepAsync<T>(int iteration, string kind, Func<StallWatch, CancellationToken, Task<StepResult<T>>> work,
        CancellationToken ct, bool onlyAsksAnAgent = false, TimeSpan? stallTimeout = null)
    {
        var patience = stallTimeout ?? _options.StepStallTimeout;
        if (_steps.FirstOrDefault(s => s.Iteration == iteration && s.Kind == kind && s.State == StepStates.Completed) is { } done)
            return JsonSerializer.Deserialize<T>(done.Output, JournalJson.Options)!;
        var lastError = "";
        var step = _steps.FirstOrDefault(s => s.Iteration == iteration && s.Kind == kind);
        if (step is null)
        {
            step = new StepRecord { TaskId = task.Id, Iteration = iteration, Kind = kind };
            _steps.Add(step);
        }
        while (true)
        {
            CheckTokenBudget();
            journal.StartStep(task, step);
            var saving = journal.SaveAsync(ct);
            if (step.Attempts > _options.MaxStepAttempts)
            {
                await saving;
                throw new TaskEndedException(TaskState.Failed, $"step {kind} of iteration {iteration} could not complete in {_options.MaxStepAttempts} attempts: {lastError}");
            }
            using var watch = new StallWatch(patience, ct);
            var early = onlyAsksAnAgent ? work(watch, watch.Token) : null;
            await SavedAsync(saving, early, watch);
            // Said and saved at once: whoever watches the task sees why it waits. Between two tries nothing else of this
            // step uses the journal.
            var recovery = Recovery(kind, watch.Token);
            try
            {
                var result = await recovery.ExecuteAsync(async _ => await (Interlocked.Exchange(ref early, null) ?? work(watch, watch.Token)), watch.Token);
                journal.CompleteStep(task, step, JsonSerializer.Serialize(result.Output, JournalJson.Options), result.Tokens, result.Summary);
                return result.Output;
            }
            catch (OperationCanceledException) when (watch.Stalled)
            {
                lastError = $"no progress for {patience}";
                await journal.FailStepAsync(task, step, TaskEventKinds.StepStalled, $"{kind} made no progress for {patience}; the health loop restarts it", 0, ct);
            }
            catch (StepFailedException failed)
            {
                lastError = failed.Message;
                await journal.FailStepAsync(task, step, TaskEventKinds.StepFailed, failed.Message, failed.Tokens, ct);
            }
            catch (RpcException rpc) when (!ct.IsCancellationRequested)
            {
                lastError = $"{rpc.StatusCode}: {rpc.Status.Detail}";
                await journal.FailStepAsync(task, step, TaskEventKinds.StepFailed, $"{kind}: a service call failed ({lastError})", 0, ct);
            }
        }
    }

    /// <summary>Waits out an unavailable service for <paramref name="kind"/>, each wait said and saved at once: whoever watches the task sees why it waits.</summary>
    private Polly.ResiliencePipeline Recovery(string kind, CancellationToken ct) => services.Recovery.ForStep((failure, delay) => journal.RecordAsync(task,
        TaskEventKinds.Warning, $"{kind}: a service is unavailable ({failure.Status.Detail.Shorten(200)}); trying again in {delay.TotalSeconds:0.#} s", kind, ct: ct));

    /// <summary>Waits for a step's start to be saved; when it cannot be, the work sent out early stops too.</summary>
    private static async Task SavedAsync(Task saving, Task? early, StallWatch watch)
    {
        try
        {
            await saving;
        }
        catch when (early is not null)
        {
            watch.Stop();
            await Task.WhenAny(early);
            _ = early.Exception; // its own outcome no longer matters: the failed save is the step's
            throw;
        }
    }

    private void CheckTokenBudget()
    {
        if (task.Tokens >= spec.Budget.Tokens)
            throw new TaskEndedException(TaskState.Failed, $"budget exhausted: {task.Tokens} of {spec.Budget.Tokens} tokens used");
    }

    private async Task<StepResult<PrepareOutput>> PrepareAsync(StallWatch watch, CancellationToken ct)
    {
        var request = new CreateWorkspaceRequest { TaskId = task.Id, Acceptance = AcceptanceCommand.Parse(spec.Acceptance.Command), Fence = task.LeaseGeneration };
        request.SeedFiles.AddRange(spec.Acceptance.Files.Select(f => new FileContent { Path = f.Key, Content = Google.Protobuf.ByteString.CopyFromUtf8(f.Value) }));
        request.AllowedHarnessFiles.AddRange(spec.Sandbox?.AllowHarnessFiles ?? []);
        request.Image = spec.Sandbox?.Image ?? "";
        var workspace = await services.Workspaces.CreateAsync(request, cancellationToken: ct);
        task.WorkspaceId = workspace.WorkspaceId;
        return new(new PrepareOutput(workspace.WorkspaceId, workspace.InitialCheckpointId), 0, $"workspace {workspace.WorkspaceId} with {request.SeedFiles.Count} acceptance file(s)");
    }

    private async Task<StepResult<ContextOutput>> ContextAsync(CancellationToken ct)
    {
        if (_options.ContextTokens == 0) return new(new ContextOutput("", 0), 0, "retrieval is off");
        try
        {
            var request = new BuildContextRequest { Description = $"{spec.Title}\n{spec.Description}", TokenBudget = _options.ContextTokens };
            request.Requirements.AddRange(spec.Requirements);
            request.Collections.AddRange(spec.Knowledge);
            var reply = await services.Knowledge.BuildContextAsync(request, cancellationToken: ct);
            return new(new ContextOutput(reply.Context, reply.Sources.Count), 0, $"{reply.Sources.Count} source(s), {reply.Tokens} tokens");
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            // Retrieval helps but is not required: a task without context still works, so say so and go on.
            journal.Note(task, TaskEventKinds.Warning, $"no retrieved context: SYMORG answered {ex.StatusCode}: {ex.Status.Detail}", StepKinds.Context);
            return new(new ContextOutput("", 0), 0, "no context (SYMORG unavailable)");
        }
    }

    private async Task<StepResult<GenerateOutput>> GenerateAsync(PrepareOutput prepared, ContextOutput context, StallWatch watch, CancellationToken ct)
    {
        var job = await JobAsync(prepared, AgentRole.Generator, ct);
        job.Context = context.Context;
        var (reply, tokens) = await AskAsync<GeneratorReply>(AgentRole.Generator, job, watch, ct);
        return new(new GenerateOutput(reply), tokens, $"{reply.Files.Count} file(s): {reply.Summary.Shorten(200)}");
    }

    private async Task<StepResult<TestOutput>> TestAsync(PrepareOutput prepared, int iteration, GenerateOutput generated, CancellationToken ct)
    {
        _files = null; // the workspace changes here: the roles after this step read it afresh
        var protectedFiles = generated.Reply.Files.Where(f => spec.Acceptance.Files.ContainsKey(f.Path)).Select(f => f.Path).ToList();
        var rejected = protectedFiles.Count > 0 ? $"not written: {string.Join(", ", protectedFiles)} belong(s) to the acceptance tests and cannot be changed. " : "";
        var write = new WriteFilesRequest { WorkspaceId = prepared.WorkspaceId, Fence = task.LeaseGeneration };
        write.Files.AddRange(generated.Reply.Files.Where(f => !protectedFiles.Contains(f.Path))
            .Select(f => new FileContent { Path = f.Path, Content = Google.Protobuf.ByteString.CopyFromUtf8(f.Content) }));
        try
        {
            await services.Workspaces.WriteFilesAsync(write, cancellationToken: ct);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.ResourceExhausted)
        {
            // The model's files, not the system, are at fault: the generator sees why in the next iteration.
            rejected += $"the files were not written: {ex.Status.Detail}";
        }
        var checkpoint = await services.Workspaces.CheckpointAsync(new CheckpointRequest
        {
            // Keyed by the iteration: this step run again after a crash gets the checkpoint (and verdict) it made.
            WorkspaceId = prepared.WorkspaceId, Message = $"iteration {iteration}: {generated.Reply.Summary.Shorten(500)}",
            Key = CheckpointKeys.ForIteration(iteration), Fence = task.LeaseGeneration,
            Limits = new RunLimits { TimeLimitMs = (int)_options.TestTimeLimit.TotalMilliseconds, OutputLimitBytes = 1 << 20 },
        }, cancellationToken: ct);
        var report = checkpoint.Report;
        var summary = report.Summary;
        // SYMAUG's verdict, not the exit code alone: code in the sandbox can make the command exit 0.
        var passed = report.Passed && rejected.Length == 0;
        task.TestsPassed = summary.Passed;
        task.TestsFailed = summary.Failed;
        task.TestsErrored = summary.Errored;
        var output = new TestOutput(passed, summary.Passed, summary.Failed, summary.Errored, rejected + TestReportText.Format(report), checkpoint.CheckpointId, rejected);
        journal.Note(task, TaskEventKinds.Tests, $"{(passed ? "passed" : "failed")}: {output.Summary}", StepKinds.Test);
        return new(output, 0, $"{(passed ? "passed" : "failed")}: {output.Summary}; checkpoint {Short(checkpoint.CheckpointId)}");
    }

    private async Task<StepResult<AnalyzerReply>> AnalyzeAsync(PrepareOutput prepared, TestOutput tested, StallWatch watch, CancellationToken ct)
    {
        var job = await JobAsync(prepared, AgentRole.Analyzer, ct);
        job.TestReport = tested.Report;
        var (reply, tokens) = await AskAsync<AnalyzerReply>(AgentRole.Analyzer, job, watch, ct);
        return new(reply, tokens, $"{reply.Verdict}, {reply.Problems.Count} problem(s): {reply.Advice.Shorten(200)}");
    }

    private async Task<StepResult<MonitorReply>> MonitorAsync(PrepareOutput prepared, TestOutput tested, AnalyzerReply? analysis, StallWatch watch, CancellationToken ct)
    {
        var job = await JobAsync(prepared, AgentRole.Monitor, ct);
        job.TestReport = tested.Report;
        job.Analysis = AnalysisText(analysis, null);
        var (reply, tokens) = await AskAsync<MonitorReply>(AgentRole.Monitor, job, watch, ct);
        var unmet = reply.Unmet.Count == 0 ? "" : $"; unmet: {string.Join("; ", reply.Unmet).Shorten(200)}";
        return new(reply, tokens, $"{(reply.Aligned ? "aligned" : "not aligned")}, score {reply.Score:0.##}{unmet}");
    }

    private async Task<StepResult<DecideOutput>> DecideAsync(PrepareOutput prepared, TestOutput tested, AnalyzerReply? analysis,
        MonitorReply verdict, StallWatch watch, CancellationToken ct)
    {
        var job = await JobAsync(prepared, AgentRole.Optimizer, ct);
        job.TestReport = tested.Report;
        job.Analysis = AnalysisText(analysis, verdict);
        var checkpoints = await services.Workspaces.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = prepared.WorkspaceId }, cancellationToken: ct);
        job.History.AddRange(checkpoints.Checkpoints.Select(c => $"checkpoint {c.CheckpointId}: {c.Message}" +
            (c.Tested ? $" (tests: {c.Summary.Passed} passed, {c.Summary.Failed} failed, {c.Summary.Errored} errored)" : "")));
        var (decision, tokens) = await AskAsync<OptimizerReply>(AgentRole.Optimizer, job, watch, ct);
        // Only planned here; ApplyAsync carries the plan out once it is saved.
        var (applied, escalated, revertTo) = decision.Action switch
        {
            OptimizerActions.Revert => await PlanRevertAsync(prepared, decision.Checkpoint, ct),
            OptimizerActions.Restart => PlanRestart(prepared, tested),
            OptimizerActions.Escalate => Escalate(),
            OptimizerActions.Abort => ("the task stops", "", ""),
            _ => ("the next iteration builds on this one", "", ""),
        };
        var output = new DecideOutput(decision, applied, escalated, revertTo);
        journal.Note(task, TaskEventKinds.Decision, $"{decision.Action}: {decision.Reason.Shorten(300)} → {applied}", StepKinds.Decide);
        return new(output, tokens, $"{decision.Action}: {applied}");
    }

    /// <summary>
    /// Carries out the optimizer's decision. The decision is saved first, so that a task resumed here carries out the
    /// same one again (a revert to the same checkpoint changes nothing the second time) rather than asking anew and
    /// doing something else on top of what was done.
    /// </summary>
    private async Task ApplyAsync(PrepareOutput prepared, int iteration, DecideOutput decided, CancellationToken ct)
    {
        await journal.SaveAsync(ct);
        if (decided.RevertTo is { Length: > 0 } target)
        {
            _files = null; // the workspace changes: the next roles read it afresh
            var revert = new RevertRequest { WorkspaceId = prepared.WorkspaceId, CheckpointId = target, Fence = task.LeaseGeneration };
            try
            {
                await Recovery(StepKinds.Decide, ct).ExecuteAsync(async c => await services.Workspaces.RevertAsync(revert, cancellationToken: c), ct);
            }
            catch (RpcException ex) when (!ct.IsCancellationRequested)
            {
                // Asking again would not help (the decision stands, saved): the task ends rather than resuming into it forever.
                throw new TaskEndedException(TaskState.Failed, $"the workspace could not go back to checkpoint {Short(target)}: {ex.StatusCode}: {ex.Status.Detail}");
            }
        }
        if (decided.EscalatedModel.Length > 0 && task.EscalatedModel != decided.EscalatedModel)
        {
            task.EscalatedModel = decided.EscalatedModel;
            await journal.RecordAsync(task, TaskEventKinds.Decision, $"the generator now uses '{decided.EscalatedModel}'", StepKinds.Decide, ct: ct);
        }
        if (decided.Decision.Action == OptimizerActions.Abort)
        {
            await LessonAsync(iteration, succeeded: false, ct);
            throw new TaskEndedException(TaskState.Failed, $"aborted by the optimizer: {decided.Decision.Reason}");
        }
    }

    /// <summary>Back to the checkpoint the optimizer named, or to the best one when it named none SYMAUG knows.</summary>
    private async Task<(string Applied, string Escalated, string RevertTo)> PlanRevertAsync(PrepareOutput prepared, string? checkpoint, CancellationToken ct)
    {
        var workspace = new WorkspaceRef { WorkspaceId = prepared.WorkspaceId };
        var known = (await services.Workspaces.ListCheckpointsAsync(workspace, cancellationToken: ct)).Checkpoints;
        var target = known.FirstOrDefault(c => !string.IsNullOrEmpty(checkpoint) && c.CheckpointId.StartsWith(checkpoint, StringComparison.Ordinal))
            ?? await services.Workspaces.BestCheckpointAsync(workspace, cancellationToken: ct);
        return ($"reverted to checkpoint {Short(target.CheckpointId)} ({target.Summary.Passed} passed, {target.Summary.Failed} failed)", "", target.CheckpointId);
    }

    /// <summary>The iteration is done again from where it started: the checkpoint before this iteration's files.</summary>
    private (string Applied, string Escalated, string RevertTo) PlanRestart(PrepareOutput prepared, TestOutput tested)
    {
        var earlier = _earlierSteps.LastOrDefault(s => s.Kind == StepKinds.Test && s.State == StepStates.Completed);
        var start = earlier is null ? prepared.InitialCheckpoint : JsonSerializer.Deserialize<TestOutput>(earlier.Output, JournalJson.Options)!.Checkpoint;
        return ($"restarting from checkpoint {Short(start)} (this iteration's {tested.Summary} discarded)", "", start);
    }

    private (string Applied, string Escalated, string RevertTo) Escalate()
    {
        var current = ModelFor(AgentRole.Generator);
        return _options.Escalation.TryGetValue(current, out var stronger) && stronger.Length > 0
            ? ($"the generator moves from '{current}' to '{stronger}'", stronger, "")
            : ($"no stronger model is configured for '{current}' (Gryphgen:Workflow:Escalation); continuing as before", "", "");
    }

    private string ModelFor(AgentRole role)
    {
        var name = role.ToName();
        if (role == AgentRole.Generator && task.EscalatedModel.Length > 0) return task.EscalatedModel;
        return spec.Models.TryGetValue(name, out var alias) ? alias : _options.Models.GetValueOrDefault(name, "");
    }

    /// <summary>What every role sees: the task, the workspace's files, the history of earlier iterations.</summary>
    private async Task<RoleJob> JobAsync(PrepareOutput prepared, AgentRole role, CancellationToken ct)
    {
        var job = new RoleJob
        {
            TaskId = task.Id, Title = spec.Title, Description = spec.Description, Language = spec.Language,
            AcceptanceCommand = spec.Acceptance.Command, Model = ModelFor(role), Priority = spec.Priority,
        };
        job.Requirements.AddRange(spec.Requirements);
        job.Files.AddRange(_files ??= await WorkspaceSnapshot.ReadAsync(services.Workspaces, prepared.WorkspaceId, ct));
        job.History.AddRange(TaskHistory.Lines(_earlierSteps));
        if (role == AgentRole.Generator) AddPreviousFindings(job);
        return job;
    }

    /// <summary>The generator fixes what the last iteration found: its test report and the analyzer's and monitor's findings.</summary>
    private void AddPreviousFindings(RoleJob job)
    {
        var last = _earlierSteps.Where(s => s.State == StepStates.Completed).GroupBy(s => s.Iteration).MaxBy(g => g.Key);
        if (last is null) return;
        T? Read<T>(string kind) where T : class =>
            last.FirstOrDefault(s => s.Kind == kind) is { } step ? JsonSerializer.Deserialize<T>(step.Output, JournalJson.Options) : null;
        job.TestReport = Read<TestOutput>(StepKinds.Test)?.Report ?? "";
        job.Analysis = AnalysisText(Read<AnalyzerReply>(StepKinds.Analyze), Read<MonitorReply>(StepKinds.Monitor));
    }

    private static string AnalysisText(AnalyzerReply? analysis, MonitorReply? verdict)
    {
        var lines = new List<string>();
        if (analysis is not null)
        {
            lines.Add($"Analyzer verdict: {analysis.Verdict}. Advice: {analysis.Advice}");
            lines.AddRange(analysis.Problems.Select(p => $"- {p.File}:{p.Line}: {p.Message}"));
        }
        if (verdict is not null)
        {
            lines.Add($"Monitor: {(verdict.Aligned ? "aligned" : "not aligned")} (score {verdict.Score:0.##}).");
            lines.AddRange(verdict.Unmet.Select(u => $"- unmet: {u}"));
        }
        return string.Join('\n', lines);
    }

    private async Task<(T Reply, long Tokens)> AskAsync<T>(AgentRole role, RoleJob job, StallWatch watch, CancellationToken ct) where T : class
    {
        Fabric.JobOutcome outcome;
        var meteredBefore = await MeteredTokensAsync();
        try
        {
            outcome = await services.Broker.RunJobAsync(role, job, watch, ct);
        }
        catch (Fabric.JobRejectedException rejected)
        {
            throw new StepFailedException($"the {role.ToName()} job was not accepted: {rejected.Message}", 0);
        }
        // What the gateway metered for this task while the job ran, not what the worker says it used.
        var tokens = await MeteredTokensAsync() - meteredBefore;
        if (!outcome.Ok) throw new StepFailedException($"the {role.ToName()} failed: {outcome.Error}", tokens);
        try
        {
            return (RoleReplies.Read<T>(outcome.ReplyJson), tokens);
        }
        catch (JsonException ex)
        {
            throw new StepFailedException($"the {role.ToName()}'s reply does not match its schema: {ex.Message}", tokens);
        }
    }

    private async Task<long> MeteredTokensAsync()
    {
        try
        {
            return await services.Meter.ReadAsync(task.Id);
        }
        catch (StackExchange.Redis.RedisException ex)
        {
            throw new StepFailedException($"the gateway's token count cannot be read (Redis): {ex.Message}", 0);
        }
    }

    /// <summary>Records what the task taught in SYMORG, once; a lesson that cannot be stored is a warning, not a failure.</summary>
    private async Task LessonAsync(int iteration, bool succeeded, CancellationToken ct)
    {
        if (iteration < 1 || _options.ContextTokens == 0) return;
        await StepAsync(iteration, StepKinds.Lesson, async (_, c) =>
        {
            var lesson = TaskHistory.Lesson(task, spec, _steps, succeeded);
            try
            {
                var reply = await services.Knowledge.RecordLessonAsync(lesson, cancellationToken: c);
                return new StepResult<string>(reply.SourceUri, 0, $"lesson stored as {reply.SourceUri}");
            }
            catch (RpcException ex) when (!c.IsCancellationRequested)
            {
                return new StepResult<string>("", 0, $"no lesson stored: SYMORG answered {ex.StatusCode}: {ex.Status.Detail}");
            }
        }, ct);
    }

    private async Task FinishAsync(TaskState state, string reason)
    {
        task.State = state;
        task.Reason = reason;
        task.FinishedAt = services.Time.GetUtcNow();
        task.CurrentStep = "";
        task.LeaseOwner = null;
        task.LeaseUntil = null;
        await journal.RecordAsync(task, TaskEventKinds.Ended, $"{TaskStateNames.Name(state)}: {reason}", ct: CancellationToken.None);
    }

    private static string Short(string checkpoint) => checkpoint.Length > 10 ? checkpoint[..10] : checkpoint;

}
