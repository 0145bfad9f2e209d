using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Missions;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// Writes the generator's files into the workspace, checkpoints it and runs the acceptance command there: SYMAUG's
/// verdict, not the exit code alone, decides (code in the sandbox can make the command exit 0).
/// </summary>
public sealed class TestStep(RunContext run, int iteration, PrepareOutput prepared, GenerateOutput generated) : IMissionStep<TestOutput>
{
    public int Iteration => iteration;

    public string Kind => StepKinds.Test;

    /// <summary>The acceptance run reports nothing until it ends, and SYMAUG ends it at its time limit: only after that may it count as stalled.</summary>
    public TimeSpan? StallTimeout => run.Options.TestTimeLimit + run.Options.StepStallTimeout;

    public async Task<StepResult<TestOutput>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var (task, spec, workspaces) = (run.Task, run.Spec, run.Services.Workspaces);
        run.WorkspaceChanged();
        var protectedFiles = generated.Files.Where(f => spec.Acceptance.Files.ContainsKey(f.Path)).Select(f => f.Path).ToList();
        var rejected = protectedFiles.Count > 0 ? $"not written: {string.Join(", ", protectedFiles)} belong(s) to the acceptance tests and cannot be changed. " : "";
        var write = new WriteFilesRequest { WorkspaceId = prepared.WorkspaceId, Fence = task.LeaseGeneration };
        write.Files.AddRange(generated.Files.Where(f => !protectedFiles.Contains(f.Path))
            .Select(f => new FileContent { Path = f.Path, Content = Google.Protobuf.ByteString.CopyFromUtf8(f.Content) }));
        try
        {
            await workspaces.WriteFilesAsync(write, cancellationToken: ct);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.ResourceExhausted)
        {
            // The model's files, not the system, are at fault: the generator sees why in the next iteration.
            rejected += $"the files were not written: {ex.Status.Detail}";
        }
        var checkpoint = await workspaces.CheckpointAsync(new CheckpointRequest
        {
            // Keyed by the iteration: this step run again after a crash gets the checkpoint (and verdict) it made.
            WorkspaceId = prepared.WorkspaceId, Message = $"iteration {iteration}: {generated.Summary.Shorten(500)}",
            Key = CheckpointKeys.ForIteration(iteration), Fence = task.LeaseGeneration,
            Limits = new RunLimits { TimeLimitMs = (int)run.Options.TestTimeLimit.TotalMilliseconds, OutputLimitBytes = 1 << 20 },
        }, cancellationToken: ct);
        var report = checkpoint.Report;
        var summary = report.Summary;
        var passed = report.Passed && rejected.Length == 0;
        task.TestsPassed = summary.Passed;
        task.TestsFailed = summary.Failed;
        task.TestsErrored = summary.Errored;
        var output = new TestOutput(passed, summary.Passed, summary.Failed, summary.Errored, rejected + TestReportText.Format(report), checkpoint.CheckpointId, rejected);
        run.Journal.Note(task, TaskEventKinds.Tests, $"{(passed ? "passed" : "failed")}: {output.Summary}", StepKinds.Test);
        return new(output, 0, $"{(passed ? "passed" : "failed")}: {output.Summary}; checkpoint {CheckpointIds.Short(checkpoint.CheckpointId)}");
    }
}
