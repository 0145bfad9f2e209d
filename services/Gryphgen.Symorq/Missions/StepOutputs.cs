using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Missions;

// What each kind of step leaves behind (stored as JSON with the step, read back when a task resumes).

/// <summary>The task's workspace in SYMAUG, seeded with the acceptance files.</summary>
public sealed record PrepareOutput(string WorkspaceId, string InitialCheckpoint);

/// <summary>The knowledge SYMORG retrieved for this iteration, with its sources cited.</summary>
public sealed record ContextOutput(string Context, int Sources);

/// <summary>The files the generator wrote.</summary>
public sealed record GenerateOutput(GeneratorReply Reply);

/// <summary>
/// The acceptance run after the generator's files were written and checkpointed. <see cref="Rejected"/> says why
/// files were not written (a path SYMAUG refused, an acceptance file the generator may not change).
/// </summary>
public sealed record TestOutput(bool Passed, int TestsPassed, int TestsFailed, int TestsErrored, string Report, string Checkpoint, string Rejected)
{
    public string Summary => $"{TestsPassed} passed, {TestsFailed} failed, {TestsErrored} errored";
}

/// <summary>
/// The optimizer's decision and what the workflow does about it: <see cref="RevertTo"/> is the checkpoint the
/// workspace goes back to (a revert or a restart; empty for none), carried out once the decision is saved.
/// </summary>
public sealed record DecideOutput(OptimizerReply Decision, string Applied, string EscalatedModel, string RevertTo = "");
