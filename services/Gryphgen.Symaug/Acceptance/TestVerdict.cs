using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Acceptance;

/// <summary>
/// SYMAUG's verdict on an acceptance run, in one place: the report and the exit code must agree. Code in the
/// sandbox that makes the command exit 0 without a valid report, or that leaves a clean report beside a failing exit
/// code, gets no pass; nor does a run with files in the workspace that steer the harness.
/// </summary>
public static class TestVerdict
{
    /// <summary>Prefix of the entries that report a harness-steering file.</summary>
    public const string HarnessFilePrefix = "harness file: ";

    public static void Judge(TestReport report, TestResults results, IReadOnlyList<HarnessSteeringFile> steering)
    {
        var run = report.Run;
        report.Summary = results.Summary.Clone();
        report.Failures.AddRange(steering.Select(f => new TestFailure
        {
            Name = HarnessFilePrefix + f.Path, Location = f.Path, HarnessRule = f.Rule, Errored = true,
            Message = $"{f.Why}; written outside the seeds, so this run cannot pass (the task's spec can allow it: sandbox.allow_harness_files)",
        }));
        report.Summary.Errored += steering.Count;
        report.Failures.AddRange(results.Failures);
        if (run.ExitCode != 0 && results.Summary.Failed + results.Summary.Errored == 0)
        {
            report.Summary.Errored++;
            report.Failures.Add(new TestFailure
            {
                Name = "exit code", Errored = true,
                Message = $"the command exited with {run.ExitCode} ({run.StopReason}) but its report has no failure",
            });
        }
        report.Passed = run.ExitCode == 0 && !run.Killed && report.Summary is { Failed: 0, Errored: 0, Passed: > 0 };
    }
}
