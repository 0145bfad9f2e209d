using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// What a key may do. <see cref="User"/>: submit, watch, cancel and download its own tasks, search knowledge, use
/// the gateway. <see cref="Admin"/>: also every task, the grid, status, knowledge collections and keys. The scope is
/// the authenticated principal's role, and <see cref="Admin"/> is also the name of the authorization policy the
/// admin-only services and methods carry.
/// </summary>
public static class KeyScopes
{
    public const string User = "user";
    public const string Admin = "admin";

    public static string Name(KeyScope scope) => scope switch
    {
        KeyScope.User => User,
        KeyScope.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "a key's scope is user or admin"),
    };

    public static KeyScope Parse(string name) => name == Admin ? KeyScope.Admin : KeyScope.User;
}
