namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>One step of one iteration, run by the <see cref="StepRunner"/>: what it is and how it is watched.</summary>
public interface IMissionStep<T>
{
    /// <summary>0 for <see cref="StepKinds.Prepare"/>, which runs once.</summary>
    int Iteration { get; }

    string Kind { get; }

    /// <summary>
    /// The step only asks an agent: it reads the task but changes neither the task nor the journal, so it may go out
    /// while its start is being saved.
    /// </summary>
    bool OnlyAsksAnAgent => false;

    /// <summary>How long the step may show no progress before it counts as stalled; null: <see cref="WorkflowOptions.StepStallTimeout"/>.</summary>
    TimeSpan? StallTimeout => null;

    Task<StepResult<T>> RunAsync(StallWatch watch, CancellationToken ct);
}
