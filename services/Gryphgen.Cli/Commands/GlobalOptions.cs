using System.CommandLine;

namespace Gryphgen.Cli.Commands;

/// <summary>Options many commands take.</summary>
public static class GlobalOptions
{
    /// <summary>
    /// Where SYMORQ is. Every command takes it except <c>endpoints add</c>, whose <c>--url</c> is the URL of the
    /// endpoint being added; there <c>$GRYPHGEN_URL</c> says where SYMORQ is.
    /// </summary>
    public static Option<string?> Url() => new("--url")
    {
        Description = $"SYMORQ's gRPC URL (default: ${GryphgenConnection.UrlVariable} or {GryphgenConnection.DefaultUrl})",
    };
}
