using System.ComponentModel.DataAnnotations;
using Gryphgen.Contracts.Network;
using Gryphgen.Symorq.Grid.Endpoints;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// The LLM grid (<c>Gryphgen:Llm</c>): its configured endpoints, how it probes and schedules them, and how it keeps
/// their keys. The AppHost writes the endpoints (<c>Gryphgen:Llm:Endpoints:N:*</c>) from its own <c>Gryphgen:Llm</c>.
/// </summary>
public sealed class GridOptions
{
    public const string Section = "Gryphgen:Llm";

    /// <summary>The OpenAI-compatible endpoints from configuration; more are added at run time (<see cref="EndpointStore"/>).</summary>
    public List<LlmEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>Requests that may wait for a slot; past this the gateway answers 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedRequests { get; set; } = 1000;

    /// <summary>
    /// A waiting request gains a priority level after this much waiting, and another each time its wait doubles, so
    /// low priority still progresses: with 5 s, low (2) overtakes a fresh high (8) request after 63 × 5 s.
    /// </summary>
    public TimeSpan AgingPerPriorityLevel { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one probe request (<c>/health</c>, <c>/v1/models</c>, <c>/slots</c>) may take, headers
    /// and its small body together; past it the endpoint counts as down until the next probe.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The deployment's secret that seals the key ring under which endpoints' API keys are stored (see
    /// <see cref="KeyProtection.EndpointKeyProtection"/>); the AppHost generates it once and keeps it. Lose it and the
    /// stored keys are lost with it: the endpoints must be added again.
    /// </summary>
    [Required(ErrorMessage = "Gryphgen:Llm:KeyEncryptionSecret is not set; SYMORQ stores endpoints' API keys under it (the AppHost generates one)")]
    [MinLength(32, ErrorMessage = "Gryphgen:Llm:KeyEncryptionSecret must be at least 32 characters")]
    public string KeyEncryptionSecret { get; set; } = "";

    /// <summary>
    /// Whether endpoints may be at private and loopback addresses (a self-hosted grid: LM Studio at localhost:1234,
    /// llama-server on the LAN). Link-local and cloud metadata addresses are refused either way (<see cref="Gryphgen.Contracts.Network.UpstreamAddresses"/>).
    /// </summary>
    public bool AllowPrivateAddresses { get; set; } = true;

    /// <summary>Where the grid may connect, as <see cref="AllowPrivateAddresses"/> says: for probes, requests and new endpoints alike.</summary>
    public UpstreamAddresses UpstreamAddresses() => new(AllowPrivateAddresses, $"{Section}:{nameof(AllowPrivateAddresses)}");

    /// <summary>Largest answer read from an endpoint's probe (<c>/v1/models</c>, <c>/slots</c>); a larger one fails the probe.</summary>
    [Range(1024, 1L << 30)]
    public long MaxProbeResponseBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Consecutive failures (connection errors, 5xx) after which an endpoint is taken out for <see cref="Cooldown"/>.</summary>
    [Range(1, 100)]
    public int FailuresBeforeDown { get; set; } = 2;

    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Assumed completion length of a request that names no max_tokens.</summary>
    [Range(1, 1_000_000)]
    public int DefaultMaxTokens { get; set; } = 512;

    /// <summary>Speed assumed of an endpoint until real traffic teaches otherwise.</summary>
    [Range(0.001, 1_000_000)]
    public double DefaultTokensPerSecond { get; set; } = 20;

    public TimeSpan DefaultTimeToFirstToken { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Count every endpoint's slots across all SYMORQ replicas in Redis (see <see cref="SharedSlotLedger"/>), so that
    /// replicas in front of the same endpoints never oversubscribe them together.
    /// </summary>
    public bool SharedSlots { get; set; } = true;

    /// <summary>
    /// How long a replica's hold on a slot lasts in Redis unless renewed (every third of it, while the request runs):
    /// the time after which a crashed replica's slots are free again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SharedSlotLeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a slot claimed in Redis keeps serving this replica's next requests on the same endpoint without
    /// another claim (see <see cref="SharedSlotLedger"/>): the longest another replica may wait for a slot this one
    /// has stopped using. Zero claims every request's slot in Redis.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SharedSlotReuseWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an endpoint that other replicas fill is tried again, should no "slot freed" message come.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SharedSlotPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Weight of the newest observation in the endpoints' moving averages of speed.</summary>
    [Range(0.01, 1)]
    public double SpeedSmoothing { get; set; } = 0.3;
}
