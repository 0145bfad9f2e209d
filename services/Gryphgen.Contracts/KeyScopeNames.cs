namespace Gryphgen.Contracts;

/// <summary>
/// API key scopes as SYMORQ stores them and people write them (<c>gryphgen keys create --scope</c>): user, admin,
/// agent. What each reaches is SYMORQ's rule (<c>KeyScopes</c>).
/// </summary>
public static class KeyScopeNames
{
    public const string User = "user";
    public const string Admin = "admin";
    public const string Agent = "agent";

    private static readonly Dictionary<KeyScope, string> Names = new()
    {
        [KeyScope.User] = User, [KeyScope.Admin] = Admin, [KeyScope.Agent] = Agent,
    };

    public static IEnumerable<string> All => Names.Values;

    /// <summary>The scope's name; "unknown" for one this version does not know.</summary>
    public static string Name(KeyScope scope) => Names.GetValueOrDefault(scope, "unknown");

    /// <summary>The scope named <paramref name="name"/>; <see cref="KeyScope.Unspecified"/> when there is none.</summary>
    public static KeyScope Parse(string? name) => Names.FirstOrDefault(n => n.Value == name).Key;
}
