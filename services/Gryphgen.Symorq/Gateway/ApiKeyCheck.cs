using System.Security.Cryptography;
using System.Text;

namespace Gryphgen.Symorq.Gateway;

/// <summary>
/// SYMORQ's public API key (<c>Gryphgen:Gateway:ApiKey</c>), required as <c>Authorization: Bearer KEY</c> by the
/// gateway and the task API alike when it is set.
/// </summary>
public static class ApiKeyCheck
{
    public const string Missing = "Incorrect or missing API key: send it as 'Authorization: Bearer <key>' (Gryphgen:Gateway:ApiKey).";

    public static bool Accepts(string? configuredKey, string? authorization)
    {
        if (string.IsNullOrEmpty(configuredKey)) return true;
        var header = authorization ?? "";
        var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(configuredKey));
    }
}
