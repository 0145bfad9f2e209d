using System.Text;

namespace Gryphgen.Symorg.Chunking;

/// <summary>
/// Splits a document along its structure (<see cref="IDocumentStructure"/>), then by size: sections below
/// <see cref="MinChars"/> (imports, a one-line member) join the next one, sections above <see cref="MaxChars"/> become windows of whole lines that
/// overlap by <see cref="OverlapLines"/>. Every chunk keeps its line range and a header naming the file and the
/// enclosing declarations or headings, so a hit can be cited and read out of context.
/// </summary>
public static class DocumentChunker
{
    /// <summary>About 256 MiniLM tokens of code, the most the embedded model reads.</summary>
    public const int MaxChars = 1200;
    public const int MinChars = 80;
    public const int OverlapLines = 3;

    public static IReadOnlyList<TextChunk> Split(string sourceUri, IDocumentStructure structure, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var starts = structure.Find(lines).ToList();
        if (starts.Count == 0 || starts[0].StartLine > 1) starts.Insert(0, new Section(1, []));

        var chunks = new List<TextChunk>();
        var from = 0;
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1].StartLine - 1 : lines.Length;
            var size = LengthOf(lines, starts[from].StartLine, end);
            if (size < MinChars && i + 1 < starts.Count) continue; // joins the next section
            var header = starts[i].Path.Count == 0 ? sourceUri : $"{sourceUri} · {string.Join(" › ", starts[i].Path)}";
            chunks.AddRange(Windows(lines, starts[from].StartLine, end, header));
            from = i + 1;
        }
        return chunks.Where(c => !string.IsNullOrWhiteSpace(c.Text)).ToList();
    }

    private static IEnumerable<TextChunk> Windows(string[] lines, int first, int last, string header)
    {
        var start = first;
        while (start <= last)
        {
            var text = new StringBuilder();
            var end = start;
            while (end <= last && (end == start || text.Length + lines[end - 1].Length + 1 <= MaxChars))
            {
                text.Append(lines[end - 1]).Append('\n');
                end++;
            }
            yield return new TextChunk(header, text.ToString().TrimEnd('\n'), start, end - 1);
            if (end > last) yield break;
            start = Math.Max(start + 1, end - OverlapLines);
        }
    }

    private static int LengthOf(string[] lines, int first, int last)
    {
        var length = 0;
        for (var line = first; line <= last; line++) length += lines[line - 1].Length + 1;
        return length;
    }
}
