using System.Text.RegularExpressions;
using System.Xml.Linq;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Acceptance;

/// <summary>pytest's JUnit XML (<c>--junitxml</c>, family xunit1 so test cases carry their file).</summary>
public static partial class JUnitXmlReport
{
    public static TestResults Parse(string xml)
    {
        var summary = new TestSummary();
        var failures = new List<TestFailure>();
        foreach (var testCase in XDocument.Parse(xml).Descendants("testcase"))
        {
            var name = string.Join("::", new[] { (string?)testCase.Attribute("classname"), (string?)testCase.Attribute("name") }
                .Where(part => !string.IsNullOrEmpty(part)));
            var failure = testCase.Element("failure");
            var error = testCase.Element("error");
            if (failure is null && error is null)
            {
                if (testCase.Element("skipped") is not null) summary.Skipped++;
                else summary.Passed++;
                continue;
            }
            var problem = (failure ?? error)!;
            if (failure is not null) summary.Failed++;
            else summary.Errored++;
            failures.Add(new TestFailure
            {
                Name = name, Errored = failure is null,
                Message = (string?)problem.Attribute("message") ?? "",
                Location = Location(problem.Value, testCase),
            });
        }
        return new(summary, failures);
    }

    /// <summary>The traceback's last "file:line:" (where the assertion failed), else the test's own file and line.</summary>
    private static string Location(string traceback, XElement testCase)
    {
        var last = TracebackLocation().Matches(traceback).LastOrDefault();
        if (last is not null) return $"{last.Groups[1].Value}:{last.Groups[2].Value}";
        var file = (string?)testCase.Attribute("file");
        // pytest counts lines from 0 here.
        return file is null ? "" : int.TryParse((string?)testCase.Attribute("line"), out var line) ? $"{file}:{line + 1}" : file;
    }

    [GeneratedRegex(@"^(\S+?):(\d+): ", RegexOptions.Multiline)]
    private static partial Regex TracebackLocation();
}
