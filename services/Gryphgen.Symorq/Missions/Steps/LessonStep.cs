using Grpc.Core;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>Records what the task taught in SYMORG, once; a lesson that cannot be stored is said, not a failure.</summary>
public sealed class LessonStep(RunContext run, int iteration, bool succeeded) : IMissionStep<string>
{
    public int Iteration => iteration;

    public string Kind => StepKinds.Lesson;

    public async Task<StepResult<string>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var lesson = TaskHistory.Lesson(run.Task, run.Spec, run.Steps, succeeded);
        try
        {
            var reply = await run.Services.Knowledge.RecordLessonAsync(lesson, cancellationToken: ct);
            return new(reply.SourceUri, 0, $"lesson stored as {reply.SourceUri}");
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            return new("", 0, $"no lesson stored: SYMORG answered {ex.StatusCode}: {ex.Status.Detail}");
        }
    }
}
