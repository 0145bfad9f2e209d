using System.Text.RegularExpressions;

namespace Gryphgen.Symorg.Chunking;

/// <summary>
/// C-family languages: a line that matches one of the language's declaration patterns starts a section; braces
/// (outside strings and line comments) track which declarations enclose it. Pragmatic, not a parser: it finds the
/// usual shapes of classes, functions and methods, which is what chunk boundaries and headers need.
/// </summary>
public sealed partial class BraceStructure(IReadOnlyList<Regex> declarations) : IDocumentStructure
{
    public IReadOnlyList<Section> Find(IReadOnlyList<string> lines)
    {
        var sections = new List<Section>();
        var scopes = new Stack<(int Depth, string Name)>();
        var depth = 0;
        string? pending = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var code = StringsAndComments().Replace(lines[i], "\"\"");
            if (Declare(code) is { } name)
            {
                pending = name;
                sections.Add(new Section(i + 1, [.. scopes.Reverse().Select(s => s.Name), name]));
            }
            foreach (var c in code)
            {
                if (c == '{')
                {
                    if (pending is not null) scopes.Push((depth, pending));
                    pending = null;
                    depth++;
                }
                else if (c == '}')
                {
                    depth = Math.Max(0, depth - 1);
                    while (scopes.Count > 0 && scopes.Peek().Depth >= depth) scopes.Pop();
                }
                else if (c == ';' && pending is not null && depth > 0)
                {
                    pending = null; // a declaration without a body (abstract, extern, a prototype)
                }
            }
        }
        return sections;
    }

    private string? Declare(string line)
    {
        foreach (var pattern in declarations)
        {
            var match = pattern.Match(line);
            if (!match.Success) continue;
            var name = match.Groups["name"].Value;
            return match.Groups["kind"].Success ? $"{match.Groups["kind"].Value} {name}" : $"{name}()";
        }
        return null;
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|//.*$")]
    private static partial Regex StringsAndComments();
}
