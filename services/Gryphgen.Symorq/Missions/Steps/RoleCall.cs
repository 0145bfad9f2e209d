using System.Text.Json;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// How a step asks a role agent: the job every role sees (the task, the workspace's files, the history of earlier
/// iterations), the agent's reply read against its schema, and the tokens the gateway metered for the task meanwhile.
/// </summary>
public sealed class RoleCall(RunContext run)
{
    public async Task<RoleJob> JobAsync(PrepareOutput prepared, AgentRole role, CancellationToken ct)
    {
        var (task, spec) = (run.Task, run.Spec);
        var job = new RoleJob
        {
            TaskId = task.Id, Title = spec.Title, Description = spec.Description, Language = spec.Language,
            AcceptanceCommand = spec.Acceptance.Command, Model = ModelFor(role), Priority = spec.Priority,
        };
        job.Requirements.AddRange(spec.Requirements);
        job.Files.AddRange(await run.FilesAsync(prepared.WorkspaceId, ct));
        job.History.AddRange(TaskHistory.Lines(run.EarlierSteps));
        if (role == AgentRole.Generator) AddPreviousFindings(job);
        return job;
    }

    /// <summary>The model alias <paramref name="role"/> uses for this task: the optimizer's escalation, the spec's, or the workflow's default.</summary>
    public string ModelFor(AgentRole role)
    {
        var name = role.ToName();
        if (role == AgentRole.Generator && run.Task.EscalatedModel.Length > 0) return run.Task.EscalatedModel;
        return run.Spec.Models.TryGetValue(name, out var alias) ? alias : run.Options.Models.GetValueOrDefault(name, "");
    }

    /// <summary>Runs the job on an agent of <paramref name="role"/>; a refusal, a failure or a reply off its schema fails the step.</summary>
    public async Task<(T Reply, long Tokens)> AskAsync<T>(AgentRole role, RoleJob job, StallWatch watch, CancellationToken ct) where T : class
    {
        Fabric.JobOutcome outcome;
        var meteredBefore = await MeteredTokensAsync(ct);
        try
        {
            outcome = await run.Services.Broker.RunJobAsync(role, job, watch, ct);
        }
        catch (Fabric.JobRejectedException rejected)
        {
            throw new StepFailedException($"the {role.ToName()} job was not accepted: {rejected.Message}", 0);
        }
        // What the gateway metered for this task while the job ran, not what the worker says it used. A Redis that
        // came back empty meanwhile has lost the count: the job's tokens are then the ones counted since.
        var metered = await MeteredTokensAsync(ct);
        var tokens = metered >= meteredBefore ? metered - meteredBefore : metered;
        if (!outcome.Ok && outcome.Unavailable) throw new ModelsUnavailableException($"the {role.ToName()} could not reach its models: {outcome.Error}");
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

    /// <summary>The generator fixes what the last iteration found: its test report and the analyzer's and monitor's findings.</summary>
    private void AddPreviousFindings(RoleJob job)
    {
        var last = run.EarlierSteps.Where(s => s.State == StepStates.Completed).GroupBy(s => s.Iteration).MaxBy(g => g.Key);
        if (last is null) return;
        T? Read<T>(string kind) where T : class => last.FirstOrDefault(s => s.Kind == kind) is { } step ? RunContext.Output<T>(step) : null;
        job.TestReport = Read<TestOutput>(StepKinds.Test)?.Report ?? "";
        job.Analysis = FindingsText.Format(Read<AnalyzeOutput>(StepKinds.Analyze), Read<MonitorOutput>(StepKinds.Monitor));
    }

    /// <summary>
    /// The gateway's count for the task, waited for while Redis is out of reach (the job is not asked again for it).
    /// The wait is not told in the journal: the step may be saving its start meanwhile.
    /// </summary>
    private async Task<long> MeteredTokensAsync(CancellationToken ct)
    {
        try
        {
            var quiet = run.Services.Recovery.ForStep((_, _) => Task.CompletedTask);
            return await quiet.ExecuteAsync(async _ => await run.Services.Meter.ReadAsync(run.Task.Id), ct);
        }
        catch (StackExchange.Redis.RedisException ex)
        {
            throw new StepFailedException($"the gateway's token count cannot be read (Redis): {ex.Message}", 0);
        }
    }
}
