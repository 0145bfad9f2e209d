using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Acceptance;

/// <summary>
/// SYMAUG's verdict on an acceptance run, in one place: the report and the exit code must agree. Code in the
/// sandbox that makes the command exit 0 without a valid report, or that leaves a clean report beside a failing exit
/// code, gets no pass.
/// </summary>
public static class TestVerdict
{
    public static void Judge(TestReport report, TestResults results)
    {
        var run = report.Run;
        report.Summary = results.Summary.Clone();
        report.Failures.AddRange(results.Failures);
        if (run.ExitCode != 0 && report.Summary.Failed + report.Summary.Errored == 0)
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
