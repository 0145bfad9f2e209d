namespace Gryphgen.Symorq.Missions;

/// <summary>
/// A role job failed for want of a service, not for a reason of its own: the grid had no endpoint for its model, the
/// gateway could not be reached, or no worker of the role took it. The step waits for recovery (<see cref="RecoveryWait"/>)
/// instead of spending an attempt. Tokens the job spent before it failed are not added to the task's count.
/// </summary>
public sealed class ModelsUnavailableException(string message) : Exception(message);
