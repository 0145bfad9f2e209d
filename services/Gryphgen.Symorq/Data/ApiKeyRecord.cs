namespace Gryphgen.Symorq.Data;

/// <summary>
/// An API key created with <c>gryphgen keys create</c>. Only the SHA-256 digest of its secret is kept: the secret
/// itself was shown once, at creation. A revoked key keeps its row and its name, so its tasks stay its own.
/// </summary>
public sealed class ApiKeyRecord
{
    public required string Name { get; set; }

    /// <summary><see cref="Keys.KeyScopes.User"/>, <see cref="Keys.KeyScopes.Admin"/> or <see cref="Keys.KeyScopes.Agent"/>.</summary>
    public required string Scope { get; set; }

    /// <summary>SHA-256 of the secret's UTF-8 bytes (32 bytes).</summary>
    public required byte[] Digest { get; set; }

    /// <summary>The knowledge collections a user key may search (<see cref="Contracts.CollectionNames.Every"/>: all).</summary>
    public List<string> Collections { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
