using System.CommandLine;

namespace Gryphgen.Cli.Commands;

/// <summary>Options many commands take.</summary>
public static class GlobalOptions
{
    /// <summary>
    /// Where SYMORQ is. Every command takes it except <c>endpoints add</c>, whose <c>--url</c> is the URL of the
    /// endpoint being added; there <c>$GRYPHGEN_URL</c> says where SYMORQ is.
    /// </summary>
    /// <summary>
    /// On the root command for every command: allows sending the API key over plain HTTP to a host that is not this
    /// machine, where anyone on the path can read it (<see cref="GryphgenConnection.OpenChannel"/> refuses otherwise).
    /// </summary>
    public static readonly Option<bool> Insecure = new("--insecure")
    {
        Description = "Send the API key over plain http to a remote host (it can be read on the way; use https instead)",
        Recursive = true,
    };

    public static Option<string?> Url() => new("--url")
    {
        Description = $"SYMORQ's gRPC URL (default: ${GryphgenConnection.UrlVariable} or {GryphgenConnection.DefaultUrl})",
    };
}
