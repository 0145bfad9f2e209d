namespace Gryphgen.Symaug.Workspaces;

/// <summary>A request SYMAUG refuses as it stands (a bad path, a file too large): the caller must change it.</summary>
public sealed class WorkspaceInputException(string message) : Exception(message);
