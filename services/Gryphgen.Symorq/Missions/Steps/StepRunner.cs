using System.Text.Json;
using Grpc.Core;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// Runs one step unless the journal has it completed; restarts it when it stalls (no progress for its
/// <see cref="IMissionStep{T}.StallTimeout"/>) or fails, up to <see cref="WorkflowOptions.MaxStepAttempts"/>; waits out
/// an unavailable service without spending an attempt (<see cref="RecoveryWait"/>). A step that only asks an agent
/// goes out while its start is being saved, so the save and the agent's round trip overlap: such work reads the task
/// but changes neither it nor the journal, so nothing races the save, and whatever it returns waits for the save
/// before it is recorded. (A crash in those milliseconds loses the attempt's count, never a completed step.)
/// </summary>
public sealed class StepRunner(RunContext run)
{
    public async Task<T> RunAsync<T>(IMissionStep<T> work, CancellationToken ct)
    {
        var (task, journal, options) = (run.Task, run.Journal, run.Options);
        var (iteration, kind) = (work.Iteration, work.Kind);
        var patience = work.StallTimeout ?? options.StepStallTimeout;
        if (run.Completed(iteration, kind) is { } done) return RunContext.Output<T>(done);
        var lastError = "";
        var step = run.Steps.FirstOrDefault(s => s.Iteration == iteration && s.Kind == kind);
        if (step is null)
        {
            step = new StepRecord { TaskId = task.Id, Iteration = iteration, Kind = kind };
            run.Steps.Add(step);
        }
        while (true)
        {
            CheckTokenBudget();
            journal.StartStep(task, step);
            var saving = journal.SaveAsync(ct);
            if (step.Attempts > options.MaxStepAttempts)
            {
                await saving;
                throw new TaskEndedException(TaskRecordState.Failed, $"step {kind} of iteration {iteration} could not complete in {options.MaxStepAttempts} attempts: {lastError}");
            }
            using var watch = new StallWatch(patience, ct);
            var early = work.OnlyAsksAnAgent ? work.RunAsync(watch, watch.Token) : null;
            await SavedAsync(saving, early, watch);
            // Between two tries nothing else of this step uses the journal.
            var recovery = run.Recovery(kind, watch.Token);
            try
            {
                var result = await recovery.ExecuteAsync(async _ => await (Interlocked.Exchange(ref early, null) ?? work.RunAsync(watch, watch.Token)), watch.Token);
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
            catch (Exception outage) when (RecoveryWait.IsTransient(outage) && !ct.IsCancellationRequested)
            {
                // Waited out for the whole RecoveryTimeout and still there: now it spends an attempt.
                lastError = RecoveryWait.Describe(outage);
                await journal.FailStepAsync(task, step, TaskEventKinds.StepFailed, $"{kind}: {lastError}", 0, ct);
            }
        }
    }

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
        if (run.Task.Tokens >= run.Spec.Budget.Tokens)
            throw new TaskEndedException(TaskRecordState.Failed, $"budget exhausted: {run.Task.Tokens} of {run.Spec.Budget.Tokens} tokens used");
    }
}
