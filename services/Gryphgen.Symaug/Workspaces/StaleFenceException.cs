namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// A call from a caller whose claim on the task is older than one the workspace has seen: another replica now works
/// the task, so this one's change is refused before anything is written.
/// </summary>
public sealed class StaleFenceException(string message) : Exception(message);
