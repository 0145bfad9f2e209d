using Gryphgen.Contracts;

namespace Gryphgen.Testing;

/// <summary>Whether SYMORQ's status shows a healthy worker of each role: its rows are named <c>agent/ROLE/WORKER</c>.</summary>
public static class AgentsConnected
{
    public static bool All(SystemStatus status, IEnumerable<string> roles) =>
        roles.All(role => status.Components.Any(c => c.Name.StartsWith($"agent/{role}/", StringComparison.Ordinal) && c.Healthy));
}
