using System.Text.RegularExpressions;
using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Keys;

/// <summary>The rules a new key must meet; each broken rule is one readable line.</summary>
public static partial class KeyValidation
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex KeyName();

    public static IEnumerable<string> Problems(CreateKeyRequest request)
    {
        if (!KeyName().IsMatch(request.Name))
            yield return $"name '{request.Name}' must be 1-40 lower-case letters, digits or '-', starting with a letter or digit";
        else if (request.Name == KeyRing.BootstrapName)
            yield return $"name '{KeyRing.BootstrapName}' is the configured key's (Gryphgen:Gateway:ApiKey)";
        if (request.Scope is not (KeyScope.User or KeyScope.Admin))
            yield return $"scope must be user or admin (got {request.Scope})";
    }
}
