namespace Gryphgen.Symorq.Data;

/// <summary>
/// An enrollment credential issued with <c>gryphgen agents enroll</c>, for a worker of one role on another machine.
/// Only the SHA-256 digest of the credential is kept: the credential itself was shown once, at enrollment. A revoked
/// credential keeps its row and its name, so the name is never given to another worker.
/// </summary>
public sealed class WorkerCredentialRecord
{
    public required string Name { get; set; }

    /// <summary>The role's name (<see cref="Contracts.Fabric.AgentRoles"/>).</summary>
    public required string Role { get; set; }

    /// <summary>SHA-256 of the credential's UTF-8 bytes (32 bytes).</summary>
    public required byte[] Digest { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
