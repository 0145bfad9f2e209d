namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>The analyzer's and monitor's findings as text for the next role's prompt.</summary>
public static class FindingsText
{
    public static string Format(AnalyzeOutput? analysis, MonitorOutput? verdict)
    {
        var lines = new List<string>();
        if (analysis is not null)
        {
            lines.Add($"Analyzer verdict: {analysis.Verdict}. Advice: {analysis.Advice}");
            lines.AddRange(analysis.Problems.Select(p => $"- {p.File}:{p.Line}: {p.Message}"));
        }
        if (verdict is not null)
        {
            lines.Add($"Monitor: {(verdict.Aligned ? "aligned" : "not aligned")} (score {verdict.Score:0.##}).");
            lines.AddRange(verdict.Unmet.Select(u => $"- unmet: {u}"));
        }
        return string.Join('\n', lines);
    }
}
