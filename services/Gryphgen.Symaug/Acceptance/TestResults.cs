using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Acceptance;

/// <summary>What one test report said: the counts, and each failure with its message and location.</summary>
public sealed record TestResults(TestSummary Summary, IReadOnlyList<TestFailure> Failures)
{
    /// <summary>For anything without a report: exit code 0 is one passed test, anything else one failed.</summary>
    public static TestResults FromExitCode(RunResult run, string name)
    {
        if (run.ExitCode == 0) return new(new TestSummary { Passed = 1 }, []);
        var message = run.StopReason == StopReason.None
            ? $"exit code {run.ExitCode}: {Tail(run.Stderr.ToStringUtf8())}"
            : $"stopped by SYMAUG's {run.StopReason} limit";
        return new(new TestSummary { Failed = 1 }, [new TestFailure { Name = name, Message = message }]);
    }

    /// <summary>
    /// A report that should be there and is not, or is no valid report (cut short, a second report written into
    /// it): the test command itself broke, or something in the sandbox tried to change its report.
    /// </summary>
    public static TestResults Missing(RunResult run, string name) => new(new TestSummary { Errored = 1 },
        [new TestFailure { Name = name, Errored = true, Message = $"no valid test report (exit code {run.ExitCode}, {run.StopReason}): {Tail(run.Stderr.ToStringUtf8())}" }]);

    private static string Tail(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 2000 ? trimmed : trimmed[^2000..];
    }
}
