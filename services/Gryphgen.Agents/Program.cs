using Gryphgen.Agents;
using Gryphgen.Agents.Fabric;
using Gryphgen.Agents.Roles;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<FabricClientOptions>().BindConfiguration(FabricClientOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.AddRoleAgents();
builder.Services.AddHostedService<FabricWorker>();

builder.Build().Run();
