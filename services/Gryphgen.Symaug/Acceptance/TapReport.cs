using System.Text.RegularExpressions;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Acceptance;

/// <summary>
/// <c>node --test</c>'s TAP report: the counts from its closing comments, and each failed test (not the suites
/// that failed because a test in them did) with the error and location from its YAML block. Only one whole
/// report is a report: its version line first, one top-level plan and one set of counts, so that a second report
/// written into the same stream cannot pass for one.
/// </summary>
public static partial class TapReport
{
    /// <exception cref="FormatException">It is not one whole TAP report.</exception>
    public static TestResults Parse(string tap, string workspaceMount)
    {
        var lines = tap.Split('\n');
        if (!lines[0].StartsWith("TAP version ") || lines.Count(l => l.StartsWith("TAP version ")) != 1
            || lines.Count(l => TopLevelPlan().IsMatch(l)) != 1 || lines.Count(l => l.StartsWith("# tests ")) != 1)
        {
            throw new FormatException("not one whole TAP report");
        }
        var failures = new List<TestFailure>();
        for (var i = 0; i < lines.Length; i++)
        {
            var notOk = NotOk().Match(lines[i]);
            if (!notOk.Success) continue;
            var yaml = YamlBlock(lines, i + 1);
            var failureType = Field(yaml, "failureType");
            if (failureType == "subtestsFailed") continue;
            failures.Add(new TestFailure
            {
                Name = notOk.Groups[1].Value.Trim(),
                Message = Field(yaml, "error"),
                Location = Field(yaml, "location").Replace(workspaceMount + "/", ""),
                Errored = failureType is not ("testCodeFailure" or ""),
            });
        }
        var summary = new TestSummary
        {
            Passed = Count(tap, "pass"), Skipped = Count(tap, "skipped") + Count(tap, "todo"), Errored = Count(tap, "cancelled"),
        };
        summary.Failed = Count(tap, "fail") - summary.Errored;
        return new(summary, failures);
    }

    private static int Count(string tap, string name)
    {
        var match = Regex.Match(tap, $@"^# {name} (\d+)\s*$", RegexOptions.Multiline);
        return match.Success ? int.Parse(match.Groups[1].Value) : 0;
    }

    /// <summary>The lines between the "---" and "..." that follow a test line.</summary>
    private static List<string> YamlBlock(string[] lines, int start)
    {
        var block = new List<string>();
        if (start >= lines.Length || lines[start].Trim() != "---") return block;
        for (var i = start + 1; i < lines.Length && lines[i].Trim() != "..."; i++) block.Add(lines[i]);
        return block;
    }

    /// <summary>A top-level YAML field: quoted, plain, or a block scalar ("|-") whose lines are indented further.</summary>
    private static string Field(List<string> yaml, string name)
    {
        for (var i = 0; i < yaml.Count; i++)
        {
            var trimmed = yaml[i].TrimStart();
            if (!trimmed.StartsWith(name + ":")) continue;
            var value = trimmed[(name.Length + 1)..].Trim();
            if (!value.StartsWith('|')) return value.Trim('\'', '"');
            var indent = yaml[i].Length - trimmed.Length;
            return string.Join('\n', yaml.Skip(i + 1).TakeWhile(l => l.Length - l.TrimStart().Length > indent).Select(l => l.Trim()));
        }
        return "";
    }

    [GeneratedRegex(@"^1\.\.\d+$")]
    private static partial Regex TopLevelPlan();

    [GeneratedRegex(@"^\s*not ok \d+ - (.*?)(?: # .*)?$")]
    private static partial Regex NotOk();
}
