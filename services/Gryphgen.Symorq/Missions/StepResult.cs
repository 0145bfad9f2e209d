namespace Gryphgen.Symorq.Missions;

/// <summary>What a step produced, the model tokens it spent, and one line for people reading the task.</summary>
public sealed record StepResult<T>(T Output, long Tokens, string Summary);
