using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Gryphgen.Testing;

/// <summary>
/// A test's own web server: a slim host on a free loopback port (or on <c>at</c>, to come back where an earlier one
/// was), with no configuration or logging of its own.
/// </summary>
public static class LoopbackWebApp
{
    public static WebApplicationBuilder CreateBuilder(out Uri url, Uri? at = null)
    {
        url = at ?? new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var builder = WebApplication.CreateSlimBuilder();
        // A test folder's appsettings.json (a referenced service's Kestrel endpoints) is not this server's.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url.ToString());
        return builder;
    }
}
