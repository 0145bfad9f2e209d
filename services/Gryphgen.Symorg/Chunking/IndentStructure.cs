using System.Text.RegularExpressions;

namespace Gryphgen.Symorg.Chunking;

/// <summary>Python: classes and functions, nested by indentation.</summary>
public sealed partial class IndentStructure : IDocumentStructure
{
    public IReadOnlyList<Section> Find(IReadOnlyList<string> lines)
    {
        var sections = new List<Section>();
        var scopes = new List<(int Indent, string Name)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var match = Declaration().Match(lines[i]);
            if (!match.Success) continue;
            var indent = match.Groups["indent"].Value.Replace("\t", "    ").Length;
            scopes.RemoveAll(s => s.Indent >= indent);
            var name = match.Groups["kind"].Value == "class" ? $"class {match.Groups["name"].Value}" : $"{match.Groups["name"].Value}()";
            scopes.Add((indent, name));
            sections.Add(new Section(i + 1, scopes.Select(s => s.Name).ToList()));
        }
        return sections;
    }

    [GeneratedRegex(@"^(?<indent>[ \t]*)(?:async\s+)?(?<kind>def|class)\s+(?<name>\w+)")]
    private static partial Regex Declaration();
}
