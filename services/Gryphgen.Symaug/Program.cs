using Gryphgen.Symaug.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSymaugServices();

var app = builder.Build();
await app.PrepareSymaugAsync();
app.MapSymaug();
app.Run();

/// <summary>The entry point, visible to the service tests that host SYMAUG in-process.</summary>
public partial class Program;
