using Gryphgen.Contracts;

namespace Gryphgen.Cli.Commands;

/// <summary>
/// Text from the services as the terminal shows it. Much of it was written by a model, a worker, an endpoint or
/// generated code (titles, reasons, step summaries, findings, file paths), so control characters are escaped before
/// it reaches the terminal, and Spectre's markup brackets too where it goes through markup.
/// </summary>
internal static class Shown
{
    public static string Plain(string text) => PrintableText.Line(text);

    public static string Markup(string text) => Spectre.Console.Markup.Escape(PrintableText.Line(text));

    /// <summary>A time to the minute, in this machine's time zone, as tables show it.</summary>
    public static string Minute(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm");
}
