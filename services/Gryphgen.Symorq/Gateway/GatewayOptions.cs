using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorq.Gateway;

/// <summary>
/// The OpenAI-compatible gateway on SYMORQ's HTTP port (<c>Gryphgen:Gateway</c>). Its <c>ApiKey</c> is read by
/// <see cref="ApiKeyAuthentication"/>, which guards the whole public API, not only the gateway.
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Gryphgen:Gateway";

    /// <summary>Largest request body accepted; a larger one is answered 413 and reaches no endpoint.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Largest answer relayed from an endpoint: a larger whole answer is refused with 502, a stream cut off there.
    /// Endpoints added at run time are not trusted to stop.
    /// </summary>
    [Range(1024, 1L << 34)]
    public long MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Opt-in exact-match cache in Redis for deterministic requests (temperature 0, not streaming).</summary>
    public bool CacheEnabled { get; set; }

    public TimeSpan CacheTimeToLive { get; set; } = TimeSpan.FromHours(1);
}
