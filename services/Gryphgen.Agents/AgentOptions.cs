using System.ComponentModel.DataAnnotations;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Agents;

/// <summary>Which role this agent process serves and how many jobs it takes at once.</summary>
public sealed class AgentOptions : IValidatableObject
{
    public const string Section = "Agent";

    public string Role { get; set; } = "";

    [Range(1, 64)]
    public int Capacity { get; set; } = 1;

    public AgentRole ParsedRole => AgentRoles.TryParse(Role, out var role) ? role : AgentRole.Unspecified;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ParsedRole == AgentRole.Unspecified)
        {
            yield return new ValidationResult(
                $"Agent:Role must be one of {string.Join(", ", AgentRoles.AllNames)} (got '{Role}')", [nameof(Role)]);
        }
    }
}
