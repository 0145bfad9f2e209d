namespace Gryphgen.Symorq.Missions;

internal static class TextShortening
{
    /// <summary>At most <paramref name="max"/> characters, an ellipsis marking a cut: for one-line summaries of model output.</summary>
    public static string Shorten(this string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
