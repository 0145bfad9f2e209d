namespace Gryphgen.AppHost;

/// <summary>
/// The agent fabric's secrets: one enrollment credential per role, a secret parameter generated unless configured
/// (<c>Parameters:fabric-credential-ROLE</c>). SYMORQ gets every role's credential as the set it admits; each agent
/// gets only its own. SYMORQ's ROUTER binds loopback except in a deployment.
/// </summary>
public sealed class FabricWiring
{
    private readonly Dictionary<string, IResourceBuilder<ParameterResource>> _credentials;

    private FabricWiring(Dictionary<string, IResourceBuilder<ParameterResource>> credentials) => _credentials = credentials;

    public static FabricWiring Add(IDistributedApplicationBuilder builder, IEnumerable<string> roles) =>
        new(roles.ToDictionary(role => role, role => builder.AddParameter($"fabric-credential-{role}",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true)));

    public void Broker(IResourceBuilder<ProjectResource> symorq)
    {
        // Run here, the orchestrator's proxy reaches SYMORQ on loopback (its default); deployed in a container, the
        // agents in theirs must reach it over the network.
        if (!symorq.ApplicationBuilder.ExecutionContext.IsRunMode) symorq.WithEnvironment("Fabric__ListenAddress", "*");
        foreach (var (role, credential) in _credentials) symorq.WithEnvironment($"Fabric__Credentials__{role}__0", credential);
    }

    public void Worker(IResourceBuilder<ProjectResource> agent, string role) =>
        agent.WithEnvironment("Fabric__Credential", _credentials[role]);
}
