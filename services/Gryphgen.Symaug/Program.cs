using Gryphgen.Symaug;
using Gryphgen.Symaug.Sandbox;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddGrpc();
builder.Services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section);
builder.Services.AddSingleton<BubblewrapSandbox>();
builder.Services.AddSingleton<Toolchains>();
builder.Services.AddSingleton<HostCapabilities>();
builder.Services.AddHealthChecks().AddCheck<SandboxHealthCheck>("sandbox");

var app = builder.Build();
_ = app.Services.GetRequiredService<HostCapabilities>().GetAsync(); // probe now, not on the first question
app.MapGrpcService<ComponentInfoService>();
app.MapDefaultEndpoints();
app.Run();
