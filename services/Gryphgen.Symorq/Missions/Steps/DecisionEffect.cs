using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// Carries out the optimizer's decision. The decision is saved first, so that a task resumed here carries out the
/// same one again (a revert to the same checkpoint changes nothing the second time) rather than asking anew and
/// doing something else on top of what was done.
/// </summary>
public sealed class DecisionEffect(RunContext run)
{
    /// <summary>Goes back to the planned checkpoint and moves the generator to the planned model (an abort is the run's to end).</summary>
    public async Task ApplyAsync(PrepareOutput prepared, DecideOutput decided, CancellationToken ct)
    {
        var (task, journal) = (run.Task, run.Journal);
        await journal.SaveAsync(ct);
        if (decided.RevertTo is { Length: > 0 } target)
        {
            run.WorkspaceChanged();
            var revert = new RevertRequest { WorkspaceId = prepared.WorkspaceId, CheckpointId = target, Fence = task.LeaseGeneration };
            try
            {
                await run.Recovery(StepKinds.Decide, ct).ExecuteAsync(async c => await run.Services.Workspaces.RevertAsync(revert, cancellationToken: c), ct);
            }
            catch (RpcException ex) when (!ct.IsCancellationRequested)
            {
                // Asking again would not help (the decision stands, saved): the task ends rather than resuming into it forever.
                throw new TaskEndedException(TaskRecordState.Failed,
                    $"the workspace could not go back to checkpoint {CheckpointIds.Short(target)}: {ex.StatusCode}: {ex.Status.Detail}");
            }
        }
        if (decided.EscalatedModel.Length > 0 && task.EscalatedModel != decided.EscalatedModel)
        {
            task.EscalatedModel = decided.EscalatedModel;
            await journal.RecordAsync(task, TaskEventKinds.Decision, $"the generator now uses '{decided.EscalatedModel}'", StepKinds.Decide, ct: ct);
        }
    }
}
