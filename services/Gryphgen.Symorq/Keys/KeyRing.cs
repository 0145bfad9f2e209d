using System.Security.Cryptography;
using Gryphgen.ServiceDefaults.Security;
using Gryphgen.Symorq.Data;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// The active API keys of the <c>keys</c> table in memory, by digest, so that authenticating a request (the
/// gateway's hot path) makes no database call, and the configured agent key (<see cref="AgentKeyConfigurationKey"/>).
/// (The configured bootstrap key is the authentication options' own.)
/// </summary>
public sealed class KeyRing(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<KeyRing> logger) : TableMirror(scopes, logger)
{
    /// <summary>The local agents' key, which the AppHost generates and gives to the agent processes as their gateway key.</summary>
    public const string AgentKeyConfigurationKey = "Gryphgen:Gateway:AgentKey";
    /// <summary>The configured key's name: the owner of tasks submitted with it (and of tasks older than keys).</summary>
    public const string BootstrapName = "bootstrap";

    /// <summary>The configured key (Gryphgen:Gateway:ApiKey), always an admin; its digest is not kept here.</summary>
    public static readonly ApiKey Bootstrap = new(BootstrapName, KeyScopes.Admin, [], []);

    /// <summary>The configured agent key's name, reserved like the bootstrap key's.</summary>
    public const string LocalAgentsName = "local-agents";

    /// <summary>The configured agent key (<see cref="AgentKeyConfigurationKey"/>), always of scope agent.</summary>
    public static readonly ApiKey LocalAgents = new(LocalAgentsName, KeyScopes.Agent, [], []);

    /// <summary>The names of the configured keys, which cannot be created or revoked through the Keys service.</summary>
    public static readonly IReadOnlySet<string> ConfiguredNames = new HashSet<string> { BootstrapName, LocalAgentsName };

    // Optional: without it no agent key is configured, and agents need one made with `gryphgen keys create --scope agent`.
    private readonly SecretDigest? _agentKey = configuration[AgentKeyConfigurationKey] is { Length: > 0 } agentKey ? new SecretDigest(agentKey) : null;

    private volatile IReadOnlyDictionary<string, ApiKey> _byDigest = new Dictionary<string, ApiKey>();

    protected override string What => "the API keys";

    public bool HasAgentKey => _agentKey is not null;

    /// <summary>The configured agent key or the active key whose secret is <paramref name="presented"/>; null when there is none.</summary>
    public ApiKey? Find(string presented)
    {
        if (_agentKey?.Matches(presented) == true) return LocalAgents;
        var digest = KeySecret.Digest(presented);
        // Found by digest, then confirmed by a constant-time comparison of the two 32-byte digests.
        return _byDigest.TryGetValue(Convert.ToHexString(digest), out var key) && CryptographicOperations.FixedTimeEquals(key.Digest, digest)
            ? key : null;
    }

    protected override async Task LoadAsync(OrchestratorDbContext db, CancellationToken ct)
    {
        var stored = await db.Keys.AsNoTracking().Where(k => k.RevokedAt == null)
            .Select(k => new ApiKey(k.Name, k.Scope, k.Digest, k.Collections)).ToListAsync(ct);
        _byDigest = stored.ToDictionary(k => Convert.ToHexString(k.Digest));
    }
}
