namespace Gryphgen.Contracts.Fabric;

/// <summary>The short names of the roles ("generator", ...), used in configuration, status and resource names.</summary>
public static class AgentRoles
{
    private static readonly IReadOnlyDictionary<AgentRole, string> Names = new Dictionary<AgentRole, string>
    {
        [AgentRole.Generator] = "generator",
        [AgentRole.Analyzer] = "analyzer",
        [AgentRole.Monitor] = "monitor",
        [AgentRole.Optimizer] = "optimizer",
    };

    public static IEnumerable<AgentRole> All => Names.Keys;

    public static IEnumerable<string> AllNames => Names.Values;

    public static bool IsKnown(this AgentRole role) => Names.ContainsKey(role);

    public static string ToName(this AgentRole role) =>
        Names.TryGetValue(role, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(role), role, null);

    public static bool TryParse(string? name, out AgentRole role)
    {
        role = Names.FirstOrDefault(p => string.Equals(p.Value, name, StringComparison.OrdinalIgnoreCase)).Key;
        return role != AgentRole.Unspecified;
    }
}
