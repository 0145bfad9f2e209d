using System.CommandLine;

namespace Gryphgen.Cli.Commands;

/// <summary>Options every command takes.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Url = new("--url")
    {
        Description = $"SYMORQ's gRPC URL (default: ${GryphgenConnection.UrlVariable} or {GryphgenConnection.DefaultUrl})",
        Recursive = true,
    };
}
