using Google.Protobuf;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Data;

/// <summary>
/// The acceptance run a keyed checkpoint was tested with, kept so that the same call repeated (a step run again after
/// a crash) gets the same verdict without running generated code again. SYMAUG's own shape, not the wire message:
/// the table does not change when the message does. Of the output only the end is kept, where test runners print
/// their summary and the last traceback.
/// </summary>
public sealed record StoredTestReport(
    bool Passed, int ExitCode, bool Killed, string StopReason, long WallTimeMs, long CpuTimeMs,
    byte[] StdoutTail, bool StdoutTruncated, byte[] StderrTail, bool StderrTruncated, List<StoredTestFailure> Failures)
{
    public const int MaxOutputBytes = 64 * 1024;

    public static StoredTestReport From(TestReport report)
    {
        var run = report.Run ?? new RunResult();
        return new(report.Passed, run.ExitCode, run.Killed, run.StopReason.ToString(), run.WallTimeMs, run.CpuTimeMs,
            Tail(run.Stdout), run.StdoutTruncated || run.Stdout.Length > MaxOutputBytes,
            Tail(run.Stderr), run.StderrTruncated || run.Stderr.Length > MaxOutputBytes,
            [.. report.Failures.Select(f => new StoredTestFailure(f.Name, f.Message, f.Location, f.Errored, f.HarnessRule))]);
    }

    public TestReport ToReport(TestSummary summary) => new()
    {
        Summary = summary, Passed = Passed,
        Failures = { Failures.Select(f => new TestFailure { Name = f.Name, Message = f.Message, Location = f.Location, Errored = f.Errored, HarnessRule = f.HarnessRule }) },
        Run = new RunResult
        {
            ExitCode = ExitCode, Killed = Killed, StopReason = Enum.TryParse<StopReason>(StopReason, out var reason) ? reason : Contracts.StopReason.None,
            WallTimeMs = WallTimeMs, CpuTimeMs = CpuTimeMs,
            Stdout = ByteString.CopyFrom(StdoutTail), StdoutTruncated = StdoutTruncated,
            Stderr = ByteString.CopyFrom(StderrTail), StderrTruncated = StderrTruncated,
        },
    };

    private static byte[] Tail(ByteString output) =>
        output.Length <= MaxOutputBytes ? output.ToByteArray() : output.Span[^MaxOutputBytes..].ToArray();
}

public sealed record StoredTestFailure(string Name, string Message, string Location, bool Errored, string HarnessRule);
