using System.Text;

namespace Gryphgen.Contracts.Acceptance;

/// <summary>
/// The one place that knows what an acceptance command of each <see cref="TestFormat"/> looks like. SYMORQ turns a
/// spec's command line into argv and the format SYMAUG can read a report from (<see cref="Parse"/>), so failures
/// come back by test name rather than as one exit code; SYMAUG adds that format's reporter options to the argv
/// (<see cref="WithReporter"/>). The two halves depend on each other (where the options go follows from the argv a
/// format was recognised by), so a new format is added here, once.
/// </summary>
public static class AcceptanceCommand
{
    /// <summary>The TRX file dotnet test is told to write into the report folder.</summary>
    public const string TrxReportFile = "results.trx";

    private const string ShellSyntax = "|&;<>()$`*?[]{}~!#\\\n";

    /// <summary>
    /// The command line split into argv like a shell would for a simple command (quotes honoured), or handed to
    /// <c>bash -c</c> when it uses pipes, redirections or other shell syntax (then only its exit code counts).
    /// </summary>
    public static AcceptanceTest Parse(string commandLine)
    {
        if (commandLine.Any(ShellSyntax.Contains) || Split(commandLine) is not { Count: > 0 } argv)
            return new AcceptanceTest { Command = { "bash", "-c", commandLine }, Format = TestFormat.ExitCode };
        return new AcceptanceTest { Command = { argv }, Format = FormatOf(argv) };
    }

    private static TestFormat FormatOf(IReadOnlyList<string> argv) => argv switch
    {
        ["pytest" or "py.test", ..] => TestFormat.Pytest,
        [var python, "-m", "pytest", ..] when python.StartsWith("python", StringComparison.Ordinal) => TestFormat.Pytest,
        ["node", ..] when argv.Contains("--test") => TestFormat.NodeTest,
        ["dotnet", "test", ..] => TestFormat.DotnetTest,
        _ => TestFormat.ExitCode,
    };

    /// <summary>Words separated by blanks, with '…' and "…" quoting; null when a quote is left open.</summary>
    private static List<string>? Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open) quote = null;
                else word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote is not null) return null;
        if (inWord) words.Add(word.ToString());
        return words;
    }

    /// <summary>
    /// <paramref name="test"/>'s argv with the options that make its format's runner write a report: to the file
    /// <paramref name="reportFile"/> (pytest's JUnit XML, node's TAP) or, for dotnet test, which writes only into a
    /// folder, to <see cref="TrxReportFile"/> in <paramref name="reportFolder"/>. Both are paths inside the sandbox.
    /// </summary>
    public static IReadOnlyList<string> WithReporter(AcceptanceTest test, string reportFile, string reportFolder)
    {
        var command = test.Command.ToList();
        return test.Format switch
        {
            // xunit1: test cases carry their file. No cache provider: the run writes no .pytest_cache into the workspace.
            TestFormat.Pytest =>
                [.. command, $"--junitxml={reportFile}", "-o", "junit_family=xunit1", "-p", "no:cacheprovider"],
            // node takes its options before the test files.
            TestFormat.NodeTest =>
                [command[0], "--test-reporter=tap", $"--test-reporter-destination={reportFile}", .. command[1..]],
            TestFormat.DotnetTest =>
                [.. command, "--results-directory", reportFolder, "--logger", $"trx;LogFileName={TrxReportFile}"],
            _ => command,
        };
    }
}
