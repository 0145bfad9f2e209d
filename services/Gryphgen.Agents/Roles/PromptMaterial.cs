using System.Globalization;
using System.Text;
using Gryphgen.Contracts.Fabric;
using Microsoft.ML.Tokenizers;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// What a job puts into a role's prompt, as sections that can be trimmed one step at a time, least important first:
/// older history, retrieved context, the contents of all but the most relevant file, the head of the test report;
/// then, when even that is not enough, the last history entry, the analysis and the most relevant file. The task
/// itself (title, description, requirements, language, acceptance command) is never trimmed.
/// </summary>
public sealed class PromptMaterial
{
    private const string None = "(none)";

    private readonly RoleJob _job;
    private readonly List<string> _history;
    private readonly TrimmableText _context;
    private readonly List<(WorkspaceFile File, TrimmableText Content)> _files;
    private readonly TrimmableText _testReport;
    private readonly TrimmableText _analysis;
    private int _historyLeftOut;

    public PromptMaterial(RoleJob job)
    {
        _job = job;
        _history = [.. job.History];
        _context = new TrimmableText(job.Context, keepsTail: false);
        _files = [.. ByRelevance(job).Select(f => (f, new TrimmableText(f.Content, keepsTail: false)))];
        _testReport = new TrimmableText(job.TestReport, keepsTail: true);
        _analysis = new TrimmableText(job.Analysis, keepsTail: false);
    }

    /// <summary>Takes the next trimming step for an excess of <paramref name="overflow"/> tokens; false when only the task is left.</summary>
    public bool Trim(int overflow, Tokenizer tokenizer)
    {
        if (_history.Count > 1) return DropOldestHistory();
        if (_context.Cut(overflow, tokenizer)) return true;
        for (var i = _files.Count - 1; i > 0; i--)
        {
            if (_files[i].Content.Cut(int.MaxValue / 2, tokenizer)) return true;
        }
        if (_testReport.Cut(overflow, tokenizer)) return true;
        if (_history.Count == 1) return DropOldestHistory();
        if (_analysis.Cut(overflow, tokenizer)) return true;
        return _files.Count > 0 && _files[0].Content.Cut(overflow, tokenizer);
    }

    public IReadOnlyDictionary<string, string> Values(string error = "") => new Dictionary<string, string>
    {
        ["title"] = _job.Title,
        ["description"] = _job.Description,
        ["requirements"] = _job.Requirements.Count == 0 ? None : string.Join('\n', _job.Requirements.Select(r => $"- {r}")),
        ["language"] = _job.Language.Length == 0 ? "(not given)" : _job.Language,
        ["acceptance_command"] = _job.AcceptanceCommand.Length == 0 ? "(not given)" : _job.AcceptanceCommand,
        ["context"] = _context.Render(None),
        ["files"] = Files(),
        ["test_report"] = _testReport.Render("(no test run yet)"),
        ["analysis"] = _analysis.Render(None),
        ["history"] = History(),
        ["error"] = error,
    };

    private bool DropOldestHistory()
    {
        _history.RemoveAt(0);
        _historyLeftOut++;
        return true;
    }

    private string History()
    {
        if (_history.Count == 0 && _historyLeftOut == 0) return "(this is the first attempt)";
        var text = new StringBuilder();
        if (_historyLeftOut > 0) text.AppendLine(CultureInfo.InvariantCulture, $"({_historyLeftOut} earlier attempts left out to fit the context window)");
        var number = _historyLeftOut;
        foreach (var entry in _history) text.AppendLine(CultureInfo.InvariantCulture, $"{++number}. {entry}");
        return text.ToString().TrimEnd();
    }

    private string Files()
    {
        if (_files.Count == 0) return "(the workspace is empty)";
        var text = new StringBuilder();
        foreach (var (file, content) in _files)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"### {file.Path}").AppendLine("```").AppendLine(content.Render("")).AppendLine("```");
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>Files the analysis or the test report name come first: they are the ones the next step is about.</summary>
    private static IEnumerable<WorkspaceFile> ByRelevance(RoleJob job) =>
        job.Files.OrderBy(f => f.Path.Length > 0 && (job.Analysis.Contains(f.Path, StringComparison.Ordinal)
            || job.TestReport.Contains(f.Path, StringComparison.Ordinal)) ? 0 : 1);
}
