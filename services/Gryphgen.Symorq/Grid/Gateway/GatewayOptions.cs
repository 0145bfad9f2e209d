using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>
/// The OpenAI-compatible gateway on SYMORQ's HTTP port (<c>Gryphgen:Gateway</c>). Its <c>ApiKey</c> is read by
/// <see cref="Keys.ApiKeyAuthentication"/>, which guards the whole public API, not only the gateway.
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

    /// <summary>
    /// How long an endpoint may take to send its answer's headers; then the request fails over, or is answered 504
    /// (<c>upstream_timeout</c>) when no endpoint is left. A streamed answer's headers come with its first token, a
    /// whole answer's only once it is complete: this bounds a non-streamed generation too. Once headers are in, the
    /// body runs as long as it takes (the caller's disconnect cancels it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Opt-in exact-match cache in Redis for deterministic requests (temperature 0, not streaming).</summary>
    public bool CacheEnabled { get; set; }

    public TimeSpan CacheTimeToLive { get; set; } = TimeSpan.FromHours(1);
}
