using System.ComponentModel.DataAnnotations;
using System.Net;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Contracts.Network;
using Gryphgen.Fabric;

namespace Gryphgen.Symorq.Fabric;

/// <summary>Where the broker listens, whom it admits, and how quickly it gives up on a silent worker.</summary>
public sealed class FabricOptions : IValidatableObject
{
    public const string Section = "Fabric";

    /// <summary>Shorter credentials are too easy to guess; the AppHost generates 32 characters.</summary>
    public const int MinCredentialLength = 16;

    /// <summary>TCP port of the ROUTER socket; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = GryphgenPorts.Fabric;

    /// <summary>The address the ROUTER binds: loopback unless a deployment says to listen wider (<c>*</c> for all).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// What a worker on another machine dials (<c>tcp://HOST:PORT</c>), told by <c>gryphgen agents enroll</c>; empty:
    /// the address the broker binds (this machine's host name when it binds every address).
    /// </summary>
    public string AdvertisedEndpoint { get; set; } = "";

    /// <summary>
    /// The enrollment credentials each role's workers may present in their hello (role name → credentials). A role
    /// without any admits no worker.
    /// </summary>
    public Dictionary<string, List<string>> Credentials { get; set; } = [];

    /// <summary>
    /// The broker's CURVE secret key (Z85); workers are given its public key, so only this broker can read what
    /// they send or answer them. Empty: a key pair of this process's own, which no worker knows.
    /// </summary>
    public string CurveSecretKey { get; set; } = "";

    /// <summary>Workers of one role admitted at once; a hello beyond it is refused.</summary>
    [Range(1, 10_000, ErrorMessage = "Fabric:MaxWorkersPerRole must be between {1} and {2}")]
    public int MaxWorkersPerRole { get; set; } = 64;

    /// <summary>The largest frame a peer may send; NetMQ disconnects a peer that sends a larger one.</summary>
    [Range(64 * 1024, 1024L * 1024 * 1024, ErrorMessage = "Fabric:MaxMessageBytes must be between {1} and {2}")]
    public long MaxMessageBytes { get; set; } = 8 * 1024 * 1024;

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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ListenAddress != "*" && !IPAddress.TryParse(ListenAddress, out _))
            yield return new ValidationResult($"{Section}:{nameof(ListenAddress)} must be an IP address or * (got '{ListenAddress}')", [nameof(ListenAddress)]);
        if (AdvertisedEndpoint.Length > 0 && !(Uri.TryCreate(AdvertisedEndpoint, UriKind.Absolute, out var advertised)
                && advertised is { Scheme: "tcp", Port: > 0, AbsolutePath: "/", Query: "", UserInfo: "" }))
            yield return new ValidationResult($"{Section}:{nameof(AdvertisedEndpoint)} must be tcp://HOST:PORT (got '{AdvertisedEndpoint}')", [nameof(AdvertisedEndpoint)]);
        if (CurveSecretKey.Length > 0 && !CurveKeys.IsValid(CurveSecretKey))
            yield return new ValidationResult($"{Section}:{nameof(CurveSecretKey)} must be {CurveKeys.Shape}", [nameof(CurveSecretKey)]);
        foreach (var (role, credentials) in Credentials)
        {
            if (!AgentRoles.TryParse(role, out _))
            {
                yield return new ValidationResult(
                    $"{Section}:{nameof(Credentials)}:{role} is not a role; roles are {string.Join(", ", AgentRoles.AllNames)}", [nameof(Credentials)]);
            }
            for (var i = 0; i < credentials.Count; i++)
            {
                if (credentials[i].Length < MinCredentialLength)
                {
                    yield return new ValidationResult(
                        $"{Section}:{nameof(Credentials)}:{role}:{i} must be at least {MinCredentialLength} characters", [nameof(Credentials)]);
                }
            }
        }
    }
}
