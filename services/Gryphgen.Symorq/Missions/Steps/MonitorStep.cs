using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>The Task Monitor checks the result against the task's requirements.</summary>
public sealed class MonitorStep(RunContext run, int iteration, PrepareOutput prepared, TestOutput tested, AnalyzeOutput? analysis)
    : IMissionStep<MonitorOutput>
{
    public int Iteration => iteration;

    public string Kind => StepKinds.Monitor;

    public bool OnlyAsksAnAgent => true;

    public async Task<StepResult<MonitorOutput>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var role = new RoleCall(run);
        var job = await role.JobAsync(prepared, AgentRole.Monitor, ct);
        job.TestReport = tested.Report;
        job.Analysis = FindingsText.Format(analysis, null);
        var (reply, tokens) = await role.AskAsync<MonitorReply>(AgentRole.Monitor, job, watch, ct);
        var unmet = reply.Unmet.Count == 0 ? "" : $"; unmet: {string.Join("; ", reply.Unmet).Shorten(200)}";
        return new(MonitorOutput.From(reply), tokens, $"{(reply.Aligned ? "aligned" : "not aligned")}, score {reply.Score:0.##}{unmet}");
    }
}
