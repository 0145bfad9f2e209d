using System.Text.RegularExpressions;
using System.Xml.Linq;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Acceptance;

/// <summary><c>dotnet test</c>'s TRX report (the Visual Studio test results format).</summary>
public static partial class TrxReport
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static TestResults Parse(string xml, string workspaceMount)
    {
        var summary = new TestSummary();
        var failures = new List<TestFailure>();
        foreach (var result in XDocument.Parse(xml).Descendants(Trx + "UnitTestResult"))
        {
            var outcome = (string?)result.Attribute("outcome");
            switch (outcome)
            {
                case "Passed": summary.Passed++; continue;
                case "NotExecuted" or "Inconclusive": summary.Skipped++; continue;
            }
            var errored = outcome != "Failed";
            if (errored) summary.Errored++;
            else summary.Failed++;
            var error = result.Descendants(Trx + "ErrorInfo").FirstOrDefault();
            var stackTrace = (string?)error?.Element(Trx + "StackTrace") ?? "";
            var location = StackLocation().Match(stackTrace);
            failures.Add(new TestFailure
            {
                Name = (string?)result.Attribute("testName") ?? "", Errored = errored,
                Message = ((string?)error?.Element(Trx + "Message") ?? outcome ?? "").Trim(),
                Location = location.Success ? $"{location.Groups[1].Value.Replace(workspaceMount + "/", "")}:{location.Groups[2].Value}" : "",
            });
        }
        return new(summary, failures);
    }

    [GeneratedRegex(@" in (.+?):line (\d+)")]
    private static partial Regex StackLocation();
}
