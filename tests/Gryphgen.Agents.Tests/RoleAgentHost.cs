using Gryphgen.Agents.Roles;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gryphgen.Agents.Tests;

/// <summary>The agents as the agent host registers them, pointed at a test server's <c>/v1</c> instead of the gateway.</summary>
public sealed class RoleAgentHost : IDisposable
{
    private readonly IHost _host;

    public RoleAgentHost(Uri server, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:Gateway"] = new Uri(server, "v1").ToString() });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section);
        builder.AddRoleAgents();
        _host = builder.Build();
    }

    public IServiceProvider Services => _host.Services;

    public IRoleAgent Agent(AgentRole role) => _host.Services.GetRequiredKeyedService<IRoleAgent>(role);

    public void Dispose() => _host.Dispose();
}
