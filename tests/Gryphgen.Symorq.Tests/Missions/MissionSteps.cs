using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>What the tests read from a task's steps.</summary>
public static class MissionSteps
{
    /// <summary>The optimizer's action a decide step applied: its summary reads "action: what was done".</summary>
    public static string Action(TaskStep decide) => decide.Summary[..Math.Max(0, decide.Summary.IndexOf(':'))];
}
