using System.Globalization;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// Text a fabric peer wrote (worker ids, host names, job ids), made fit for a log line or a status row: control
/// and format characters (which could forge log lines, drive a terminal or reorder what it shows) are removed and the
/// length is capped.
/// </summary>
public static class PeerText
{
    public const int MaxLength = 128;

    public static string Printable(string text)
    {
        var kept = new string([.. text.Where(c => char.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))]);
        return kept.Length <= MaxLength ? kept : kept[..MaxLength];
    }
}
