using NetMQ;

namespace Gryphgen.Fabric;

/// <summary>
/// CURVE keys as configuration carries them: 32 bytes written as 40 Z85 characters (ZeroMQ RFC 32), the form
/// <see cref="NetMQCertificate"/> reads and writes.
/// </summary>
public static class CurveKeys
{
    /// <summary>What a valid key looks like, for configuration errors ("X must be ...").</summary>
    public const string Shape = "40 Z85 characters (a 32-byte CURVE key)";

    private const string Z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    public static bool IsValid(string? key) => key is { Length: 40 } && key.All(Z85Alphabet.Contains);
}
