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
}
