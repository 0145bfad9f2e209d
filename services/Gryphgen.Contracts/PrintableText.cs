using System.Globalization;
using System.Text;

namespace Gryphgen.Contracts;

/// <summary>
/// Text someone else wrote (a model, a worker, an endpoint, generated code's file names) made safe for a log line or a
/// terminal: control and format characters, and line and paragraph separators, are shown as escapes (<c>\x1b</c>,
/// <c>\u202e</c>), so that nothing they write can clear a screen, move its cursor, forge a log line or reorder what is
/// shown, while a reader still sees that they were there.
/// </summary>
public static class PrintableText
{
    /// <summary>As one line: newlines and tabs are escaped too. Cut to <paramref name="maxLength"/> characters first.</summary>
    public static string Line(string text, int maxLength = int.MaxValue) => Escape(Cut(text, maxLength), keepLines: false);

    /// <summary>As lines for a terminal: newlines and tabs are kept, every other control character escaped.</summary>
    public static string Lines(string text) => Escape(text, keepLines: true);

    private static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        return text[..(char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)];
    }

    private static string Escape(string text, bool keepLines)
    {
        var printable = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (keepLines && rune.Value is '\n' or '\t') printable.Append((char)rune.Value);
            else if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                     or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                printable.Append(rune.Value < 0x100 ? $"\\x{rune.Value:x2}" : $"\\u{rune.Value:x4}");
            else printable.Append(rune.ToString());
        }
        return printable.ToString();
    }
}
