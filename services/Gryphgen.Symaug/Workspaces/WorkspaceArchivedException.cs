namespace Gryphgen.Symaug.Workspaces;

/// <summary>A call that needs a workspace's live files, for a workspace that was archived: only its archive is left.</summary>
public sealed class WorkspaceArchivedException(string message) : Exception(message);
