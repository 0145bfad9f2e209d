using Grpc.Core;
using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// Asks SYMORG for the knowledge the task needs. The context depends on the task alone (title, description,
/// requirements, collections), so it runs once, as part of the first iteration, and the later ones read it back.
/// </summary>
public sealed class ContextStep(RunContext run) : IMissionStep<ContextOutput>
{
    public int Iteration => 1;

    public string Kind => StepKinds.Context;

    public async Task<StepResult<ContextOutput>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var (spec, options) = (run.Spec, run.Options);
        if (options.ContextTokens == 0) return new(new ContextOutput("", 0), 0, "retrieval is off");
        try
        {
            var request = new BuildContextRequest { Description = $"{spec.Title}\n{spec.Description}", TokenBudget = options.ContextTokens };
            request.Requirements.AddRange(spec.Requirements);
            request.Collections.AddRange(spec.Knowledge);
            var reply = await run.Services.Knowledge.BuildContextAsync(request, cancellationToken: ct);
            return new(new ContextOutput(reply.Context, reply.Sources.Count), 0, $"{reply.Sources.Count} source(s), {reply.Tokens} tokens");
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            // Retrieval helps but is not required: a task without context still works, so say so and go on.
            run.Journal.Note(run.Task, TaskEventKinds.Warning, $"no retrieved context: SYMORG answered {ex.StatusCode}: {ex.Status.Detail}", StepKinds.Context);
            return new(new ContextOutput("", 0), 0, "no context (SYMORG unavailable)");
        }
    }
}
