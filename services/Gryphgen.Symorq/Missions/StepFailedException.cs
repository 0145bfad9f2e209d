namespace Gryphgen.Symorq.Missions;

/// <summary>A step that did not produce its result this time (a role failed, a reply broke its schema); it may be tried again.</summary>
public sealed class StepFailedException(string message, long tokens) : Exception(message)
{
    /// <summary>Tokens spent before it failed; they count against the budget all the same.</summary>
    public long Tokens { get; } = tokens;
}
