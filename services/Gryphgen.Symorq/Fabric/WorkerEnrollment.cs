using System.Security.Cryptography;
using System.Text;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// Which credentials admit a worker to which role. Only SHA-256 digests are kept, and a presented credential is
/// compared with every digest of its role in constant time, so neither its content nor its length leaks through
/// timing, and a match does not end the loop early.
/// </summary>
public sealed class WorkerEnrollment
{
    /// <summary>Longer credentials are refused unhashed: nobody enrols one, and hashing them costs the broker.</summary>
    private const int MaxCredentialLength = 1024;

    private readonly Dictionary<AgentRole, byte[][]> _digests;

    public WorkerEnrollment(IReadOnlyDictionary<string, List<string>> credentials)
    {
        _digests = credentials
            .Select(p => (Parsed: AgentRoles.TryParse(p.Key, out var role), Role: role, Credentials: p.Value))
            .Where(p => p.Parsed)
            .GroupBy(p => p.Role)
            .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Credentials).Select(Digest).ToArray());
    }

    /// <summary>The roles at least one credential admits.</summary>
    public IEnumerable<AgentRole> Roles => _digests.Where(p => p.Value.Length > 0).Select(p => p.Key);

    public bool Admits(AgentRole role, string credential)
    {
        if (credential.Length is 0 or > MaxCredentialLength || !_digests.TryGetValue(role, out var digests)) return false;
        var presented = Digest(credential);
        var match = false;
        foreach (var digest in digests) match |= CryptographicOperations.FixedTimeEquals(presented, digest);
        return match;
    }

    private static byte[] Digest(string credential) => SHA256.HashData(Encoding.UTF8.GetBytes(credential));
}
