using Gryphgen.Contracts;
using Gryphgen.Symaug.Sandbox;

namespace Gryphgen.Symaug.Acceptance;

/// <summary>
/// Runs a task's acceptance command in the sandbox with the reporter options its format needs added, the report
/// written to a folder outside the workspace, and turns that report into structured results.
/// </summary>
public sealed class AcceptanceTestRunner(SandboxedRunner runner, SandboxUsers users)
{
    private const string PytestReport = "results.xml", TapReportFile = "results.tap", TrxReportFile = "results.trx";

    public async Task<TestReport> RunAsync(SandboxRun workspaceRun, AcceptanceTest acceptance, string reportFolder,
        CancellationToken cancellationToken)
    {
        if (Directory.Exists(reportFolder)) Directory.Delete(reportFolder, recursive: true);
        Directory.CreateDirectory(reportFolder);
        if (users.OfWorkspace(workspaceRun.WorkspaceFolder) is { } user) Workspaces.UnixFiles.GiveTo(reportFolder, user.Uid);
        var run = await runner.RunAsync(
            workspaceRun with { Command = WithReporter(acceptance), ReportFolder = reportFolder }, cancellationToken);

        var name = string.Join(' ', acceptance.Command);
        var results = acceptance.Format == TestFormat.ExitCode
            ? TestResults.FromExitCode(run, name)
            : ReadReport(acceptance.Format, reportFolder) ?? TestResults.Missing(run, name);
        return new TestReport { Summary = results.Summary, Failures = { results.Failures }, Run = run };
    }

    private static IReadOnlyList<string> WithReporter(AcceptanceTest acceptance)
    {
        var command = acceptance.Command.ToList();
        var report = SandboxRun.ReportMount;
        return acceptance.Format switch
        {
            TestFormat.Pytest =>
                [.. command, $"--junitxml={report}/{PytestReport}", "-o", "junit_family=xunit1", "-p", "no:cacheprovider"],
            TestFormat.NodeTest =>
                [command[0], "--test-reporter=tap", $"--test-reporter-destination={report}/{TapReportFile}", .. command[1..]],
            TestFormat.DotnetTest =>
                [.. command, "--results-directory", report, "--logger", $"trx;LogFileName={TrxReportFile}"],
            _ => command,
        };
    }

    private static TestResults? ReadReport(TestFormat format, string reportFolder)
    {
        var (file, parse) = format switch
        {
            TestFormat.Pytest => (PytestReport, (Func<string, TestResults>)JUnitXmlReport.Parse),
            TestFormat.NodeTest => (TapReportFile, tap => TapReport.Parse(tap, SandboxRun.WorkspaceMount)),
            _ => (TrxReportFile, trx => TrxReport.Parse(trx, SandboxRun.WorkspaceMount)),
        };
        var path = Path.Combine(reportFolder, file);
        // The report is written by code in the sandbox: only a regular file is read, never a link it planted.
        if (Workspaces.UnixFiles.KindOf(path) != Workspaces.FileKind.RegularFile) return null;
        try
        {
            return parse(File.ReadAllText(path));
        }
        catch (System.Xml.XmlException)
        {
            return null; // a report cut short (the run was killed while writing it) is no report
        }
    }
}
