using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Fabric;

/// <summary>The rules a new enrollment must meet; each broken rule is one readable line.</summary>
public static class EnrollmentValidation
{
    public static IEnumerable<string> Problems(EnrollAgentRequest request)
    {
        if (request.Name.Length > 0 && !RecordNames.IsValid(request.Name))
            yield return $"name '{request.Name}' {RecordNames.Rule}";
        if (!request.Role.IsKnown())
            yield return $"role must be one of {string.Join(", ", AgentRoles.AllNames)} (got {request.Role})";
    }
}
