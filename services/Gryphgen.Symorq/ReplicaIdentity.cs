namespace Gryphgen.Symorq;

/// <summary>
/// Who this SYMORQ replica is, in task leases and in the grid's shared slot claims alike: unique per process, so a
/// restarted replica waits out its old leases and claims rather than mistake them for its own.
/// </summary>
public sealed class ReplicaIdentity
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public override string ToString() => Id;
}
