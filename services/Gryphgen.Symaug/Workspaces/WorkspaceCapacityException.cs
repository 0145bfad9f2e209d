namespace Gryphgen.Symaug.Workspaces;

/// <summary>SYMAUG or a workspace is out of room (sandbox users, quota): a refusal, not a fault.</summary>
public sealed class WorkspaceCapacityException(string message) : Exception(message);
