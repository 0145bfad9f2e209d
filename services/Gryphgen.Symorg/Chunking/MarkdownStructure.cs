using System.Text.RegularExpressions;

namespace Gryphgen.Symorg.Chunking;

/// <summary>Markdown splits at ATX headings (not inside fenced code); a section's path is its chain of headings.</summary>
public sealed partial class MarkdownStructure : IDocumentStructure
{
    public IReadOnlyList<Section> Find(IReadOnlyList<string> lines)
    {
        var sections = new List<Section>();
        var headings = new List<(int Level, string Title)>();
        var inFence = false;
        for (var i = 0; i < lines.Count; i++)
        {
            if (Fence().IsMatch(lines[i])) inFence = !inFence;
            if (inFence) continue;
            var match = Heading().Match(lines[i]);
            if (!match.Success) continue;
            var level = match.Groups["hashes"].Length;
            headings.RemoveAll(h => h.Level >= level);
            headings.Add((level, match.Groups["title"].Value));
            sections.Add(new Section(i + 1, headings.Select(h => h.Title).ToList()));
        }
        return sections;
    }

    [GeneratedRegex(@"^\s{0,3}(```|~~~)")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s{0,3}(?<hashes>#{1,6})\s+(?<title>.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
