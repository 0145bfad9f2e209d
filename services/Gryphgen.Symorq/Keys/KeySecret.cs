using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// A key's secret: <see cref="Prefix"/> and 32 random bytes in base64url, so that a leaked one is recognisable
/// (secret scanners, logs) as a GRYPHGEN key. SYMORQ keeps only its SHA-256 digest.
/// </summary>
public static class KeySecret
{
    public const string Prefix = "gg_";
    public const int DigestBytes = 32;

    public static string New() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
