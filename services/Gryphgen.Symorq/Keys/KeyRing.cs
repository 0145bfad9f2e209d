using System.Security.Cryptography;
using Gryphgen.Symorq.Data;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// The active API keys of the <c>keys</c> table in memory, by digest, so that authenticating a request (the
/// gateway's hot path) makes no database call. (The configured bootstrap key is the authentication options' own.)
/// </summary>
public sealed class KeyRing(IServiceScopeFactory scopes, ILogger<KeyRing> logger) : TableMirror(scopes, logger)
{
    /// <summary>The configured key's name: the owner of tasks submitted with it (and of tasks older than keys).</summary>
    public const string BootstrapName = "bootstrap";

    /// <summary>The configured key (Gryphgen:Gateway:ApiKey), always an admin; its digest is not kept here.</summary>
    public static readonly ApiKey Bootstrap = new(BootstrapName, KeyScopes.Admin, []);

    private volatile IReadOnlyDictionary<string, ApiKey> _byDigest = new Dictionary<string, ApiKey>();

    protected override string What => "the API keys";

    /// <summary>The active key whose secret is <paramref name="presented"/>; null when there is none.</summary>
    public ApiKey? Find(string presented)
    {
        var digest = KeySecret.Digest(presented);
        // Found by digest, then confirmed by a constant-time comparison of the two 32-byte digests.
        return _byDigest.TryGetValue(Convert.ToHexString(digest), out var key) && CryptographicOperations.FixedTimeEquals(key.Digest, digest)
            ? key : null;
    }

    protected override async Task LoadAsync(OrchestratorDbContext db, CancellationToken ct)
    {
        var stored = await db.Keys.AsNoTracking().Where(k => k.RevokedAt == null)
            .Select(k => new ApiKey(k.Name, k.Scope, k.Digest)).ToListAsync(ct);
        _byDigest = stored.ToDictionary(k => Convert.ToHexString(k.Digest));
    }
}
