using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>The Code Generator writes the iteration's files, with the retrieved context and the last iteration's findings.</summary>
public sealed class GenerateStep(RunContext run, int iteration, PrepareOutput prepared, ContextOutput context) : IMissionStep<GenerateOutput>
{
    public int Iteration => iteration;

    public string Kind => StepKinds.Generate;

    public bool OnlyAsksAnAgent => true;

    public async Task<StepResult<GenerateOutput>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var role = new RoleCall(run);
        var job = await role.JobAsync(prepared, AgentRole.Generator, ct);
        job.Context = context.Context;
        var (reply, tokens) = await role.AskAsync<GeneratorReply>(AgentRole.Generator, job, watch, ct);
        return new(GenerateOutput.From(reply), tokens, $"{reply.Files.Count} file(s): {reply.Summary.Shorten(200)}");
    }
}
