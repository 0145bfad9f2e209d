using System.ComponentModel.DataAnnotations;
using Gryphgen.Symorq.Grid.Endpoints;

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

    /// <summary>The range both upstream timeouts may take, here and on an endpoint of its own (<see cref="Endpoints.EndpointValidation"/>).</summary>
    public const string MinTimeout = "00:00:01", MaxTimeout = "01:00:00";

    /// <summary>
    /// How long an endpoint may take to send its answer's headers; then the request fails over, or is answered 504
    /// (<c>upstream_timeout</c>) when no endpoint is left. A streamed answer's headers come with its first token, a
    /// whole answer's only once it is complete: this bounds a non-streamed generation too. Once headers are in, a
    /// stream runs as long as it keeps sending (<see cref="StreamIdleTimeout"/>). An endpoint may set its own.
    /// </summary>
    [Range(typeof(TimeSpan), MinTimeout, MaxTimeout, ErrorMessage = "Gryphgen:Gateway:FirstByteTimeout must be between {1} and {2}")]
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a streamed answer may go without a byte once it has begun; then the gateway gives the endpoint up
    /// (its slot freed, a failure counted against it) and ends the caller's stream with an error event
    /// (<c>upstream_idle_timeout</c>). Every chunk starts the wait anew, so a slow model is never cut, only a silent
    /// one. Before the first chunk the wait is at least what is left of the <see cref="FirstByteTimeout"/>, for a
    /// server that sends its headers before it has read the prompt. An endpoint may set its own.
    /// </summary>
    [Range(typeof(TimeSpan), MinTimeout, MaxTimeout, ErrorMessage = "Gryphgen:Gateway:StreamIdleTimeout must be between {1} and {2}")]
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first-byte timeout that holds for <paramref name="endpoint"/>: its own, else this one.</summary>
    public TimeSpan FirstByteTimeoutOf(LlmEndpointOptions endpoint) => endpoint.FirstByteTimeout ?? FirstByteTimeout;

    /// <summary>The stream idle timeout that holds for <paramref name="endpoint"/>: its own, else this one.</summary>
    public TimeSpan StreamIdleTimeoutOf(LlmEndpointOptions endpoint) => endpoint.StreamIdleTimeout ?? StreamIdleTimeout;

    /// <summary>Opt-in exact-match cache in Redis for deterministic requests (temperature 0, not streaming).</summary>
    public bool CacheEnabled { get; set; }

    public TimeSpan CacheTimeToLive { get; set; } = TimeSpan.FromHours(1);
}
