using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// The Workflow Optimizer decides what follows an iteration that did not succeed: go on, revert, restart, escalate or
/// abort. Only planned here (the checkpoint to go back to, the model to move to); <see cref="DecisionEffect"/>
/// carries the plan out once it is saved.
/// </summary>
public sealed class DecideStep(RunContext run, int iteration, PrepareOutput prepared, TestOutput tested, AnalyzeOutput? analysis, MonitorOutput verdict)
    : IMissionStep<DecideOutput>
{
    public int Iteration => iteration;

    public string Kind => StepKinds.Decide;

    public async Task<StepResult<DecideOutput>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var role = new RoleCall(run);
        var job = await role.JobAsync(prepared, AgentRole.Optimizer, ct);
        job.TestReport = tested.Report;
        job.Analysis = FindingsText.Format(analysis, verdict);
        var checkpoints = await run.Services.Workspaces.ListCheckpointsAsync(new WorkspaceRef { WorkspaceId = prepared.WorkspaceId }, cancellationToken: ct);
        job.History.AddRange(checkpoints.Checkpoints.Select(c => $"checkpoint {c.CheckpointId}: {c.Message}" +
            (c.Tested ? $" (tests: {c.Summary.Passed} passed, {c.Summary.Failed} failed, {c.Summary.Errored} errored)" : "")));
        var (decision, tokens) = await role.AskAsync<OptimizerReply>(AgentRole.Optimizer, job, watch, ct);
        var (applied, escalated, revertTo) = decision.Action switch
        {
            OptimizerActions.Revert => await PlanRevertAsync(decision.Checkpoint, ct),
            OptimizerActions.Restart => PlanRestart(),
            OptimizerActions.Escalate => PlanEscalation(role),
            OptimizerActions.Abort => ("the task stops", "", ""),
            _ => ("the next iteration builds on this one", "", ""),
        };
        var output = new DecideOutput(decision.Action, decision.Checkpoint, decision.Reason, applied, escalated, revertTo);
        run.Journal.Note(run.Task, TaskEventKinds.Decision, $"{decision.Action}: {decision.Reason.Shorten(300)} → {applied}", StepKinds.Decide);
        return new(output, tokens, $"{decision.Action}: {applied}");
    }

    /// <summary>Back to the checkpoint the optimizer named, or to the best one when it named none SYMAUG knows.</summary>
    private async Task<(string Applied, string Escalated, string RevertTo)> PlanRevertAsync(string? checkpoint, CancellationToken ct)
    {
        var workspace = new WorkspaceRef { WorkspaceId = prepared.WorkspaceId };
        var known = (await run.Services.Workspaces.ListCheckpointsAsync(workspace, cancellationToken: ct)).Checkpoints;
        var target = known.FirstOrDefault(c => !string.IsNullOrEmpty(checkpoint) && c.CheckpointId.StartsWith(checkpoint, StringComparison.Ordinal))
            ?? await run.Services.Workspaces.BestCheckpointAsync(workspace, cancellationToken: ct);
        return ($"reverted to checkpoint {CheckpointIds.Short(target.CheckpointId)} ({target.Summary.Passed} passed, {target.Summary.Failed} failed)", "", target.CheckpointId);
    }

    /// <summary>The iteration is done again from where it started: the checkpoint before this iteration's files.</summary>
    private (string Applied, string Escalated, string RevertTo) PlanRestart()
    {
        var earlier = run.EarlierSteps.LastOrDefault(s => s.Kind == StepKinds.Test && s.State == StepStates.Completed);
        var start = earlier is null ? prepared.InitialCheckpoint : RunContext.Output<TestOutput>(earlier).Checkpoint;
        return ($"restarting from checkpoint {CheckpointIds.Short(start)} (this iteration's {tested.Summary} discarded)", "", start);
    }

    private (string Applied, string Escalated, string RevertTo) PlanEscalation(RoleCall role)
    {
        var current = role.ModelFor(AgentRole.Generator);
        return run.Options.Escalation.TryGetValue(current, out var stronger) && stronger.Length > 0
            ? ($"the generator moves from '{current}' to '{stronger}'", stronger, "")
            : ($"no stronger model is configured for '{current}' (Gryphgen:Workflow:Escalation); continuing as before", "", "");
    }
}
