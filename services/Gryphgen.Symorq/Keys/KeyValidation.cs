using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Keys;

/// <summary>The rules a new key must meet; each broken rule is one readable line.</summary>
public static class KeyValidation
{
    public static IEnumerable<string> Problems(CreateKeyRequest request)
    {
        if (!RecordNames.IsValid(request.Name))
            yield return $"name '{request.Name}' {RecordNames.Rule}";
        else if (KeyRing.ConfiguredNames.Contains(request.Name))
            yield return $"name '{request.Name}' is a configured key's (Gryphgen:Gateway:ApiKey, Gryphgen:Gateway:AgentKey)";
        if (request.Scope is not (KeyScope.User or KeyScope.Admin or KeyScope.Agent))
            yield return $"scope must be user, admin or agent (got {request.Scope})";
        if (request.Collections.Count > 0 && request.Scope != KeyScope.User)
            yield return "collections are granted to user keys only: an admin key searches every collection, an agent key none";
        foreach (var collection in request.Collections.Where(c => c != CollectionNames.Every && !CollectionNames.IsValid(c)))
            yield return $"'{collection}' is not a collection name: {CollectionNames.Rule}";
    }
}
