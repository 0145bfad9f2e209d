using System.Security.Claims;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// The key a request came with, as the task API needs it: whose tasks it may see. Made once per request from the
/// authenticated principal (<see cref="ApiKeyHandler"/>).
/// </summary>
public sealed record ApiCaller(string Name, bool IsAdmin)
{
    /// <summary>The owner a task lookup is limited to; null for an admin, who sees every task.</summary>
    public string? OwnerFilter => IsAdmin ? null : Name;

    public static ApiCaller From(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? throw new InvalidOperationException("the task API is reached only with an authenticated key"),
            user.IsInRole(KeyScopes.Admin));
}
