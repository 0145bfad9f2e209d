using System.ComponentModel.DataAnnotations;
using Gryphgen.Fabric;

namespace Gryphgen.Agents.Fabric;

/// <summary>Where the broker is, how the worker proves it may serve its role, and how patiently it waits (Paranoid Pirate).</summary>
public sealed class FabricClientOptions : IValidatableObject
{
    public const string Section = "Fabric";

    /// <summary>The broker's ROUTER endpoint, e.g. <c>tcp://localhost:5082</c>.</summary>
    [Required]
    public string Endpoint { get; set; } = "";

    /// <summary>This worker's enrollment credential for its role; the broker ignores a worker without a valid one.</summary>
    [Required(ErrorMessage = "Fabric:Credential is required: the worker's enrollment credential for its role")]
    public string Credential { get; set; } = "";

    /// <summary>The broker's CURVE public key (Z85): the worker talks only to the holder of its secret key.</summary>
    [Required(ErrorMessage = "Fabric:BrokerPublicKey is required: the broker's CURVE public key")]
    public string BrokerPublicKey { get; set; } = "";

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(2, 100)]
    public int Liveness { get; set; } = 3;

    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme != "tcp" || uri.Port <= 0)
            yield return new ValidationResult($"Fabric:Endpoint must look like tcp://host:port (got '{Endpoint}')", [nameof(Endpoint)]);
        if (BrokerPublicKey.Length > 0 && !CurveKeys.IsValid(BrokerPublicKey))
            yield return new ValidationResult($"Fabric:BrokerPublicKey must be {CurveKeys.Shape}", [nameof(BrokerPublicKey)]);
        if (HeartbeatInterval <= TimeSpan.Zero)
            yield return new ValidationResult("Fabric:HeartbeatInterval must be positive", [nameof(HeartbeatInterval)]);
    }
}
