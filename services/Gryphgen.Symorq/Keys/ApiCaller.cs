using System.Security.Claims;
using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// The key a request came with, as the task and knowledge APIs need it: whose tasks it may see and which collections
/// it may search. Made once per request from the authenticated principal (<see cref="ApiKeyHandler"/>).
/// </summary>
public sealed record ApiCaller(string Name, bool IsAdmin, IReadOnlyList<string> Collections)
{
    /// <summary>The principal's claim naming one collection the key may search.</summary>
    public const string CollectionClaim = "gryphgen:collection";

    /// <summary>The owner a task lookup is limited to; null for an admin, who sees every task.</summary>
    public string? OwnerFilter => IsAdmin ? null : Name;

    /// <summary>An admin searches every collection; a user key those it was granted (none unless granted).</summary>
    public bool MaySearch(string collection) =>
        IsAdmin || Collections.Contains(CollectionNames.Every) || Collections.Contains(collection);

    public static ApiCaller From(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? throw new InvalidOperationException("the task API is reached only with an authenticated key"),
            user.IsInRole(KeyScopes.Admin), user.FindAll(CollectionClaim).Select(c => c.Value).ToList());
}
