using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Missions;

// What each kind of step leaves behind, stored as JSON with the step and read back when a task resumes. The
// journal's own records: a role's reply is copied into them, so a change to a fabric message does not change what
// is stored (JournalSchemaTests pins the stored form).

/// <summary>The task's workspace in SYMAUG, seeded with the acceptance files.</summary>
public sealed record PrepareOutput(string WorkspaceId, string InitialCheckpoint);

/// <summary>The knowledge SYMORG retrieved for this iteration, with its sources cited.</summary>
public sealed record ContextOutput(string Context, int Sources);

/// <summary>The files the generator wrote, each with its whole content, and what it says it did.</summary>
public sealed record GenerateOutput(IReadOnlyList<GeneratedFileOutput> Files, string Summary)
{
    public static GenerateOutput From(GeneratorReply reply) =>
        new([.. reply.Files.Select(f => new GeneratedFileOutput(f.Path, f.Content))], reply.Summary);
}

public sealed record GeneratedFileOutput(string Path, string Content);

/// <summary>
/// The acceptance run after the generator's files were written and checkpointed. <see cref="Rejected"/> says why
/// files were not written (a path SYMAUG refused, an acceptance file the generator may not change).
/// </summary>
public sealed record TestOutput(bool Passed, int TestsPassed, int TestsFailed, int TestsErrored, string Report, string Checkpoint, string Rejected)
{
    public string Summary => $"{TestsPassed} passed, {TestsFailed} failed, {TestsErrored} errored";
}

/// <summary>The analyzer's verdict on a failed run, the faults it found and its advice.</summary>
public sealed record AnalyzeOutput(string Verdict, IReadOnlyList<ProblemOutput> Problems, string Advice)
{
    public static AnalyzeOutput From(AnalyzerReply reply) =>
        new(reply.Verdict, [.. reply.Problems.Select(p => new ProblemOutput(p.File, p.Line, p.Message))], reply.Advice);
}

/// <summary>One fault; line 0 when it concerns the file as a whole.</summary>
public sealed record ProblemOutput(string File, int Line, string Message);

/// <summary>The monitor's verdict: whether the work meets the task, what it does not meet, and a 0–1 score.</summary>
public sealed record MonitorOutput(bool Aligned, IReadOnlyList<string> Unmet, double Score)
{
    public static MonitorOutput From(MonitorReply reply) => new(reply.Aligned, [.. reply.Unmet], reply.Score);
}

/// <summary>
/// The optimizer's decision (<see cref="Action"/>, the <see cref="Checkpoint"/> it named, its <see cref="Reason"/>)
/// and what the workflow does about it: <see cref="RevertTo"/> is the checkpoint the workspace goes back to (a
/// revert or a restart; empty for none), carried out once the decision is saved.
/// </summary>
public sealed record DecideOutput(string Action, string? Checkpoint, string Reason, string Applied, string EscalatedModel, string RevertTo = "");
