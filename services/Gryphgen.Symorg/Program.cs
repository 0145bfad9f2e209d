using Gryphgen.Symorg.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSymorgServices();

var app = builder.Build();
await app.PrepareSymorgAsync();
app.MapSymorg();
app.Run();
