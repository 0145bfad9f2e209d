namespace Gryphgen.Cli;

/// <summary>An error the user can act on; printed as one line, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
