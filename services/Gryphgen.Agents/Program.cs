using Gryphgen.Agents;
using Gryphgen.Agents.Fabric;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<FabricClientOptions>().BindConfiguration(FabricClientOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddHostedService<FabricWorker>();

builder.Build().Run();
