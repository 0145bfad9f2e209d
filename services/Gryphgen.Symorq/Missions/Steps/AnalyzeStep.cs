using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>The Code Analyzer reads a failed acceptance run and finds the faults.</summary>
public sealed class AnalyzeStep(RunContext run, int iteration, PrepareOutput prepared, TestOutput tested) : IMissionStep<AnalyzeOutput>
{
    public int Iteration => iteration;

    public string Kind => StepKinds.Analyze;

    public bool OnlyAsksAnAgent => true;

    public async Task<StepResult<AnalyzeOutput>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var role = new RoleCall(run);
        var job = await role.JobAsync(prepared, AgentRole.Analyzer, ct);
        job.TestReport = tested.Report;
        var (reply, tokens) = await role.AskAsync<AnalyzerReply>(AgentRole.Analyzer, job, watch, ct);
        return new(AnalyzeOutput.From(reply), tokens, $"{reply.Verdict}, {reply.Problems.Count} problem(s): {reply.Advice.Shorten(200)}");
    }
}
