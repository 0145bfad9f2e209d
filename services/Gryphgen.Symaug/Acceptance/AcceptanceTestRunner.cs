using Gryphgen.Contracts;
using Gryphgen.Contracts.Acceptance;
using Gryphgen.Symaug.Sandbox;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Acceptance;

/// <summary>
/// Runs a task's acceptance command in the sandbox with the reporter options its format needs added, the report
/// written where the sandbox cannot rewrite it afterwards, and turns that report into structured results and
/// SYMAUG's verdict (<see cref="TestVerdict"/>).
/// </summary>
public sealed class AcceptanceTestRunner(SandboxedRunner runner, SandboxUsers users, IOptions<SandboxOptions> options)
{
    /// <param name="steering">The harness-steering files found in the workspace before the run: each is an error of it.</param>
    public async Task<TestReport> RunAsync(SandboxRun workspaceRun, AcceptanceTest acceptance, string reportFolder,
        IReadOnlyList<HarnessSteeringFile> steering, CancellationToken cancellationToken)
    {
        var name = string.Join(' ', acceptance.Command);
        var command = AcceptanceCommand.WithReporter(acceptance, ReportPipe.SandboxPath, SandboxRun.ReportMount);
        RunResult run;
        TestResults? results;
        switch (acceptance.Format)
        {
            case TestFormat.ExitCode:
                run = await runner.RunAsync(workspaceRun with { Command = command }, cancellationToken);
                results = TestResults.FromExitCode(run, name);
                break;
            case TestFormat.DotnetTest:
                (run, results) = await RunWithReportFolderAsync(workspaceRun with { Command = command }, reportFolder, cancellationToken);
                break;
            default:
                using (var pipe = ReportPipe.Create(reportFolder, options.Value.ReportLimitBytes))
                {
                    run = await runner.RunAsync(workspaceRun with { Command = command, ReportPipe = pipe }, cancellationToken);
                    results = pipe.Complete ? Parse(acceptance.Format, System.Text.Encoding.UTF8.GetString(pipe.Bytes)) : null;
                }
                break;
        }
        var report = new TestReport { Run = run };
        TestVerdict.Judge(report, results ?? TestResults.Missing(run, name), steering);
        return report;
    }

    /// <summary>
    /// dotnet test writes its TRX into a folder, not a stream: a fresh one per run that only the sandbox user may
    /// write, taken back by SYMAUG's user before it is read. (Code running during the test run can still rewrite it
    /// before dotnet test ends; the exit code rule still holds.)
    /// </summary>
    private async Task<(RunResult, TestResults?)> RunWithReportFolderAsync(SandboxRun run, string reportFolder, CancellationToken cancellationToken)
    {
        Workspaces.OwnerOnlyFolder.CreateFresh(reportFolder);
        try
        {
            var user = users.OfWorkspace(run.WorkspaceFolder);
            if (user is { Uid: var uid }) Workspaces.UnixFiles.GiveTo(reportFolder, uid);
            var result = await runner.RunAsync(run with { ReportFolder = reportFolder }, cancellationToken);
            if (user is not null) Workspaces.UnixFiles.GiveTo(reportFolder, 0);
            File.SetUnixFileMode(reportFolder, Workspaces.OwnerOnlyFolder.Mode);
            var path = Path.Combine(reportFolder, AcceptanceCommand.TrxReportFile);
            // Written by code in the sandbox: only a regular file is read, never a link it planted.
            var results = Workspaces.UnixFiles.KindOf(path) == Workspaces.FileKind.RegularFile && new FileInfo(path).Length <= options.Value.ReportLimitBytes
                ? Parse(TestFormat.DotnetTest, await File.ReadAllTextAsync(path, cancellationToken))
                : null;
            return (result, results);
        }
        finally
        {
            Directory.Delete(reportFolder, recursive: true);
        }
    }

    /// <summary>The report's results, or null when it is no valid report (cut short, two reports in one, not the format).</summary>
    private static TestResults? Parse(TestFormat format, string text)
    {
        try
        {
            return format switch
            {
                TestFormat.Pytest => JUnitXmlReport.Parse(text),
                TestFormat.NodeTest => TapReport.Parse(text, SandboxRun.WorkspaceMount),
                _ => TrxReport.Parse(text, SandboxRun.WorkspaceMount),
            };
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or FormatException)
        {
            return null;
        }
    }
}
