using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorq.Fabric;

/// <summary>Where the broker listens and how quickly it gives up on a silent worker.</summary>
public sealed class FabricOptions
{
    public const string Section = "Fabric";

    /// <summary>TCP port of the ROUTER socket; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5082;

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Heartbeat intervals a worker may stay silent before it is declared dead (Paranoid Pirate).</summary>
    [Range(2, 100)]
    public int Liveness { get; set; } = 3;

    public TimeSpan Expiry => HeartbeatInterval * Liveness;

    /// <summary>Tries a job gets when workers die holding it; then it fails with that reason.</summary>
    [Range(1, 20)]
    public int MaxJobAttempts { get; set; } = 3;

    /// <summary>Jobs of one role that may wait for a worker at once.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedJobsPerRole { get; set; } = 1000;

    /// <summary>How long a job waits for a worker of its role to appear before it fails.</summary>
    public TimeSpan JobWaitTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
