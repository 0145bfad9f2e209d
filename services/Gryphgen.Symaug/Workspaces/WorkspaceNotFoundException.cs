namespace Gryphgen.Symaug.Workspaces;

/// <summary>A workspace or checkpoint that does not exist.</summary>
public sealed class WorkspaceNotFoundException(string message) : Exception(message);
