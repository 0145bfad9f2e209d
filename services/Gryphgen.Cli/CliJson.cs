using System.Text.Json;

namespace Gryphgen.Cli;

/// <summary>How every command prints JSON: indented, for people and <c>jq</c> alike.</summary>
public static class CliJson
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
