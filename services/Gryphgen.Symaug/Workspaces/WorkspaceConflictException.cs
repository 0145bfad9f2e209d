namespace Gryphgen.Symaug.Workspaces;

/// <summary>A second Create for a task whose workspace was made from a different request.</summary>
public sealed class WorkspaceConflictException(string message) : Exception(message);
