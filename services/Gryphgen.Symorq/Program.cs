using Gryphgen.Symorq.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSymorqServices();

var app = builder.Build();
await app.PrepareSymorqAsync();
app.MapSymorq();
app.Run();
