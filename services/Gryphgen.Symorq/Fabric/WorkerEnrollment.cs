using System.Security.Cryptography;
using System.Text;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Fabric;

/// <summary>An enrolled credential in force: its name and role and the SHA-256 digest of its secret.</summary>
public sealed record EnrolledCredential(string Name, AgentRole Role, byte[] Digest);

/// <summary>
/// Which credentials admit a worker to which role: the configured ones (Fabric:Credentials) and the enrolled,
/// unrevoked ones (<see cref="Enrolled"/>, put here by <see cref="WorkerCredentials"/>). Only SHA-256 digests are
/// kept, and a presented credential is compared with every digest of its role in constant time, so neither its
/// content nor its length leaks through timing, and a match does not end the loop early.
/// </summary>
public sealed class WorkerEnrollment
{
    /// <summary>Longer credentials are refused unhashed: nobody enrols one, and hashing them costs the broker.</summary>
    private const int MaxCredentialLength = 1024;

    private readonly Dictionary<AgentRole, byte[][]> _configured;
    private volatile EnrolledSet _enrolled = new(new Dictionary<AgentRole, EnrolledCredential[]>(), []);

    public WorkerEnrollment(IReadOnlyDictionary<string, List<string>> credentials)
    {
        _configured = credentials
            .Select(p => (Parsed: AgentRoles.TryParse(p.Key, out var role), Role: role, Credentials: p.Value))
            .Where(p => p.Parsed)
            .GroupBy(p => p.Role)
            .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Credentials).Select(Digest).ToArray());
    }

    /// <summary>The roles at least one configured credential admits (enrolled ones come and go).</summary>
    public IEnumerable<AgentRole> Roles => _configured.Where(p => p.Value.Length > 0).Select(p => p.Key);

    /// <summary>Puts <paramref name="credentials"/> in force as the enrolled set, in place of the previous one.</summary>
    public void Enrolled(IReadOnlyCollection<EnrolledCredential> credentials) =>
        _enrolled = new(credentials.GroupBy(c => c.Role).ToDictionary(g => g.Key, g => g.ToArray()), [.. credentials.Select(c => c.Name)]);

    /// <summary>Whether the worker's credential is still in force: a configured one always is, an enrolled one until revoked.</summary>
    public bool InForce(ConnectedWorker worker) => worker.Enrollment is not { } name || _enrolled.Names.Contains(name);

    /// <summary>
    /// Whether <paramref name="credential"/> admits a worker to <paramref name="role"/>; if an enrolled credential
    /// does, <paramref name="enrolledName"/> is its name (null for a configured one), so its revocation can drop the worker.
    /// </summary>
    public bool Admits(AgentRole role, string credential, out string? enrolledName)
    {
        enrolledName = null;
        if (credential.Length is 0 or > MaxCredentialLength) return false;
        var presented = Digest(credential);
        var match = false;
        foreach (var digest in _configured.GetValueOrDefault(role, [])) match |= CryptographicOperations.FixedTimeEquals(presented, digest);
        foreach (var enrolled in _enrolled.ByRole.GetValueOrDefault(role, []))
        {
            var equal = CryptographicOperations.FixedTimeEquals(presented, enrolled.Digest);
            match |= equal;
            if (equal) enrolledName = enrolled.Name;
        }
        return match;
    }

    public static byte[] Digest(string credential) => SHA256.HashData(Encoding.UTF8.GetBytes(credential));

    /// <summary>One snapshot, swapped whole, so a reader never sees half of a refresh.</summary>
    private sealed record EnrolledSet(IReadOnlyDictionary<AgentRole, EnrolledCredential[]> ByRole, HashSet<string> Names);
}
