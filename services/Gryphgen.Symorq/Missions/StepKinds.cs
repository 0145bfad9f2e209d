namespace Gryphgen.Symorq.Missions;

/// <summary>The steps of a task, in the order an iteration runs them (prepare runs once, as iteration 0).</summary>
public static class StepKinds
{
    public const string Prepare = "prepare";
    public const string Context = "context";
    public const string Generate = "generate";
    public const string Test = "test";
    public const string Analyze = "analyze";
    public const string Monitor = "monitor";
    public const string Decide = "decide";
    public const string Lesson = "lesson";
}
