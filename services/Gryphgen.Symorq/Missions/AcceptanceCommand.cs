using System.Text;
using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// A spec's acceptance command line as SYMAUG runs it: split into argv like a shell would for a simple command
/// (quotes honoured), or handed to <c>bash -c</c> when it uses pipes, redirections or other shell syntax; and the
/// report format SYMAUG can read from it, so failures come back by test name rather than as one exit code.
/// </summary>
public static class AcceptanceCommand
{
    private const string ShellSyntax = "|&;<>()$`*?[]{}~!#\\\n";

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
}
