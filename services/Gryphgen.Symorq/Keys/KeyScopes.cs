using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// What a key may do. <see cref="Agent"/>: the gateway (/v1) only — what an agent process needs. <see cref="User"/>:
/// submit, watch, cancel and download its own tasks, search knowledge, use the gateway. <see cref="Admin"/>: also
/// every task, the grid, status, knowledge collections and keys. The scope is the authenticated principal's role.
/// <see cref="Admin"/> is also the name of the policy the admin-only services and methods carry, and
/// <see cref="Gateway"/> the policy of the gateway's routes; everything else is under the fallback policy, which
/// requires a user or admin key (<see cref="ApiKeyAuthentication"/>), so an agent key reaches nothing added later.
/// </summary>
public static class KeyScopes
{
    public const string User = KeyScopeNames.User;
    public const string Admin = KeyScopeNames.Admin;
    public const string Agent = KeyScopeNames.Agent;

    /// <summary>The policy of the gateway's routes: any key, agent keys included.</summary>
    public const string Gateway = "gateway";
}
