namespace Gryphgen.Contracts.Fabric;

/// <summary>
/// What the Workflow Optimizer may decide (<see cref="OptimizerReply.Action"/>): the agent offers the model exactly
/// these and refuses any other, and the workflow carries each one out.
/// </summary>
public static class OptimizerActions
{
    /// <summary>The next iteration builds on this one.</summary>
    public const string Continue = "continue";

    /// <summary>The workspace goes back to a checkpoint (the reply names it, or the best one).</summary>
    public const string Revert = "revert";

    /// <summary>The workspace goes back to the task's start.</summary>
    public const string Restart = "restart";

    /// <summary>The generator moves to a stronger model.</summary>
    public const string Escalate = "escalate";

    /// <summary>The task stops.</summary>
    public const string Abort = "abort";

    public static readonly IReadOnlyList<string> All = [Continue, Revert, Restart, Escalate, Abort];
}
