using Grpc.Core;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// Records what the task taught in SYMORG, once. SYMORG unavailable is waited out as for any step (a restart must not
/// lose the lesson); a lesson that still cannot be stored after that, or that SYMORG refuses, is said, not a failure.
/// </summary>
public sealed class LessonStep(RunContext run, int iteration, bool succeeded) : IMissionStep<string>
{
    public int Iteration => iteration;

    public string Kind => StepKinds.Lesson;

    public async Task<StepResult<string>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var lesson = TaskHistory.Lesson(run.Task, run.Spec, run.Steps, succeeded);
        try
        {
            var reply = await run.Recovery(Kind, ct).ExecuteAsync(async t => await run.Services.Knowledge.RecordLessonAsync(lesson, cancellationToken: t), ct);
            return new(reply.SourceUri, 0, $"lesson stored as {reply.SourceUri}");
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            return new("", 0, $"no lesson stored: SYMORG answered {ex.StatusCode}: {ex.Status.Detail}");
        }
    }
}
