using System.Security.Cryptography;
using System.Text;

namespace Gryphgen.ServiceDefaults.Security;

/// <summary>
/// A configured secret kept only as its SHA-256 digest. A presented secret is hashed and the two 32-byte digests
/// compared in constant time, so neither the comparison's time nor its result says anything about the secret's
/// length or its first differing character.
/// </summary>
public sealed class SecretDigest
{
    private readonly byte[] _digest;

    public SecretDigest(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _digest);
}
