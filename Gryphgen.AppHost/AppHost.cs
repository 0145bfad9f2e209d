using Gryphgen.AppHost;
using Gryphgen.AppHost.Configuration;
using Gryphgen.AppHost.Containers;
using Gryphgen.AppHost.Local;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);
var settings = GryphgenSettings.Load(builder.Configuration);
var choice = InfrastructureModes.Resolve(settings, builder.Configuration, builder.ExecutionContext);
builder.LogInfrastructureChoice(choice);

// Fixed ports are for people; tests run with randomised ports (Aspire.Hosting.Testing sets this).
var fixedPorts = builder.ExecutionContext.IsRunMode && !builder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts");
if (fixedPorts) PortCheck.EnsureFree(settings.Ports);

var infrastructure = choice.Mode == InfrastructureMode.Containers ? ContainerInfrastructure.Add(builder, settings, choice.Runtime!)
    : OperatingSystem.IsWindows() ? throw new GryphgenConfigurationException(
        ["local mode runs on Linux and macOS; on Windows start Docker Desktop or set Gryphgen:Infrastructure to containers"])
    : LocalInfrastructure.Add(builder, settings);

var apiKey = builder.AddApiKey(settings);
// SYMORG and SYMAUG answer only SYMORQ: the three share this credential, nobody else is given it.
var internalCredential = builder.AddInternalCredential();
const string internalCredentialVariable = "Gryphgen__Internal__Credential";
// The agents reach SYMORQ's gateway with a key of scope agent (the gateway only), not the admin key.
var agentKey = builder.AddAgentKey();
var keyEncryptionSecret = builder.AddKeyEncryptionSecret();

var symorg = builder.AddProject<Projects.Gryphgen_Symorg>("symorg")
    .WithEndpoint("http", e => e.Port = null)
    .WithEndpoint("grpc", e => e.Port = null)
    .WithReference(infrastructure.Database, ConnectionNames.Database)
    .WaitFor(infrastructure.Database)
    .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
    .WithEnvironment(internalCredentialVariable, internalCredential)
    .WithHttpHealthCheck("/health", endpointName: "http");

var symaug = builder.AddProject<Projects.Gryphgen_Symaug>("symaug")
    .WithEndpoint("http", e => e.Port = null)
    .WithEndpoint("grpc", e => e.Port = null)
    .WithReference(infrastructure.Database, ConnectionNames.Database)
    .WaitFor(infrastructure.Database)
    .WithEnvironment(internalCredentialVariable, internalCredential)
    .WithHttpHealthCheck("/health", endpointName: "http");
// Run here, workspaces live under the state folder; a deployment gives SYMAUG a volume and sets Workspaces__Root.
if (builder.ExecutionContext.IsRunMode) symaug.WithEnvironment("Workspaces__Root", Path.Combine(settings.StateDirectory, "workspaces"));

var symorq = builder.AddProject<Projects.Gryphgen_Symorq>("symorq")
    .WithEndpoint("http", e => e.Port = settings.Ports.Http)
    .WithEndpoint("grpc", e => e.Port = settings.Ports.Grpc)
    .WithEndpoint(name: "zmq", scheme: "tcp", port: settings.Ports.Fabric, env: "Fabric__Port")
    .WithReference(infrastructure.Database, ConnectionNames.Database).WaitFor(infrastructure.Database)
    .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
    .WithReference(symorg).WaitFor(symorg)
    // SYMAUG is unhealthy where it cannot sandbox; SYMORQ still starts so that its status can say why.
    .WithReference(symaug).WaitForStart(symaug)
    .WithLlmGrid(builder, infrastructure.LlamaServers, settings.Llm)
    .WithEnvironment("Gryphgen__Gateway__ApiKey", apiKey)
    .WithEnvironment("Gryphgen__Gateway__AgentKey", agentKey)
    .WithEnvironment(internalCredentialVariable, internalCredential)
    .WithEnvironment("Gryphgen__Llm__KeyEncryptionSecret", keyEncryptionSecret)
    .WithEnvironment("Gryphgen__Status__Infrastructure", choice.ToString())
    .WithHttpHealthCheck("/health", endpointName: "http");
if (infrastructure.DatabaseDisk is { } databaseDisk) symorq.WithEnvironment("Gryphgen__Status__DatabaseDisk", databaseDisk);

var roles = AgentRoles.AllNames.ToArray();
var fabric = FabricWiring.Add(builder, roles);
fabric.Broker(symorq);
foreach (var role in roles)
{
    var agent = builder.AddProject<Projects.Gryphgen_Agents>(role)
        .WithEnvironment("Agent__Role", role)
        .WithEnvironment("Fabric__Endpoint", symorq.GetEndpoint("zmq"))
        .WithEnvironment("Agent__Gateway", ReferenceExpression.Create($"{symorq.GetEndpoint("http")}/v1"))
        .WithReference(symorq)
        .WaitFor(symorq)
        .WithEnvironment("Agent__GatewayApiKey", agentKey);
    fabric.Worker(agent, role);
    // Served by the AppHost's own llama-servers, a prompt and its reply must fit one slot's share of the context of
    // whichever serves it.
    if (infrastructure.LlamaServers.Count > 0)
    {
        var contextPerSlot = infrastructure.LlamaServers.Min(server => server.Settings.ContextPerSlot);
        agent.WithEnvironment("Agent__ContextTokens", contextPerSlot.ToString())
            .WithEnvironment("Agent__MaxOutputTokens", (contextPerSlot / 2).ToString());
    }
}

builder.Build().Run();
