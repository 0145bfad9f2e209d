namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// The disk under the workspaces is below its floor (<see cref="DiskFloor"/>): an outage of the host, not a fault of
/// the task, so its callers wait for room instead of failing the step.
/// </summary>
public sealed class DiskFullException(string message) : Exception(message);
