using System.CommandLine;
using System.Diagnostics;
using Gryphgen.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gryphgen.Benchmarks;

/// <summary>
/// The least a .NET proxy can do: Kestrel takes the request, one <see cref="HttpClient"/> sends its body upstream
/// and the answer is copied back — no validation, scheduling, telemetry or logging. Run as its own process beside
/// the gateway, it says how much of the gateway's added latency is the machine's cost of one more hop through
/// Kestrel and HttpClient, and how much is the gateway's own work.
/// </summary>
public static class FloorProxy
{
    public static Command Create()
    {
        var upstream = new Option<string>("--upstream") { Required = true };
        var port = new Option<int>("--port") { Required = true };
        var command = new Command("floor-proxy", "(used by gateway-overhead) a bare Kestrel + HttpClient proxy") { upstream, port };
        command.Hidden = true;
        command.SetAction((parse, _) => RunAsync(new Uri(parse.GetValue(upstream)!), parse.GetValue(port)));
        return command;
    }

    /// <summary>Starts the proxy in front of <paramref name="upstream"/> as a separate process.</summary>
    public static async Task<(LoggedProcess Process, Uri Url)> StartAsync(Uri upstream)
    {
        var port = FreePort.Next();
        var process = LoggedProcess.Start(new ProcessStartInfo(Environment.ProcessPath!,
            ["floor-proxy", "--upstream", upstream.ToString(), "--port", port.ToString()]));
        var url = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient();
        await Eventually.Get(async () =>
        {
            await process.ThrowIfExitedAsync("floor proxy");
            try { return (await http.GetAsync(url)).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, ready => ready, TimeSpan.FromSeconds(30), "the floor proxy listening");
        return (process, url);
    }

    private static async Task RunAsync(Uri upstream, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
        app.MapGet("/", () => "ready");
        app.MapPost("/{**path}", async (HttpContext context, string path) =>
        {
            using var body = new MemoryStream((int)(context.Request.ContentLength ?? 0));
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(upstream, path)) { Content = new ByteArrayContent(body.ToArray()) };
            message.Content.Headers.ContentType = new("application/json");
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        });
        await app.RunAsync();
    }
}
