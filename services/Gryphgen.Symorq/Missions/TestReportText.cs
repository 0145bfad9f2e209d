using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Missions;

/// <summary>An acceptance run as text for the roles: the counts, each failure, and the tail of the output.</summary>
public static class TestReportText
{
    private const int MaxOutputChars = 6000;

    public static string Format(TestReport report)
    {
        var s = report.Summary;
        var run = report.Run;
        var lines = new List<string>
        {
            $"Exit code {run.ExitCode}{(run.Killed ? $", killed ({run.StopReason})" : "")}; {s.Passed} passed, {s.Failed} failed, {s.Errored} errored, {s.Skipped} skipped.",
        };
        lines.AddRange(report.Failures.Select(f =>
            $"{(f.Errored ? "ERROR" : "FAILED")} {f.Name}{(f.Location.Length > 0 ? $" at {f.Location}" : "")}: {f.Message}"));
        AddTail(lines, "stdout", run.Stdout.ToStringUtf8(), run.StdoutTruncated);
        AddTail(lines, "stderr", run.Stderr.ToStringUtf8(), run.StderrTruncated);
        return string.Join('\n', lines);
    }

    /// <summary>The end of the output, where test runners print their summary and the last traceback.</summary>
    private static void AddTail(List<string> lines, string stream, string text, bool truncated)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        var tail = text.Length > MaxOutputChars ? "…" + text[^MaxOutputChars..] : text;
        lines.Add($"--- {stream}{(truncated ? " (truncated by the output limit)" : "")} ---");
        lines.Add(tail.TrimEnd());
    }
}
