using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Gryphgen.Symorq.Keys;
using Gryphgen.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gryphgen.Benchmarks;

/// <summary>
/// What authentication adds to a gateway request: the same <c>GET /v1/models</c> against two SYMORQ-shaped hosts in
/// this process (service defaults with their OpenTelemetry instrumentation, Production), one with SYMORQ's real
/// <see cref="ApiKeyAuthentication"/> and a valid key, one with no authentication, interleaved request by request.
/// SYMORQ itself cannot serve the second (it does not start without a key), hence the two minimal hosts. The key
/// ring's database refresh is left out (its hosted service only); the configured key is matched before the ring.
/// </summary>
public static class AuthOverheadBenchmark
{
    private const string Answer = """{"object":"list","data":[{"id":"tiny","object":"model"}]}""";

    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "requests of each kind (with and without authentication) per block", DefaultValueFactory = _ => 5000 }.AtLeast(1);
        var blocks = new Option<int>("--blocks") { Description = "measured blocks; the table gives each and their median", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var warmUp = new Option<double>("--warm-up-seconds") { Description = "interleaved requests before measuring (tiered JIT)", DefaultValueFactory = _ => 20 }.AtLeast(0);
        var command = new Command("auth-overhead", "SYMORQ: added latency of API key authentication on a gateway request") { requests, blocks, warmUp };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(requests), parse.GetValue(blocks), TimeSpan.FromSeconds(parse.GetValue(warmUp)), cancellationToken));
        return command;
    }

    private static async Task RunAsync(int requests, int blocks, TimeSpan warmUp, CancellationToken cancellationToken)
    {
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)); // as long as a generated key
        await using var open = await StartAsync(apiKey: null);
        await using var authenticated = await StartAsync(key);
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        // Both hosts get the same headers; the one without authentication ignores the key.
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Uri[] paths = [new(open.Urls.Single() + "/v1/models"), new(authenticated.Urls.Single() + "/v1/models")];

        async Task<double> Send(Uri url)
        {
            var clock = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode || body != Answer) throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {body}");
            return Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }

        var warmUpClock = Stopwatch.StartNew();
        while (warmUpClock.Elapsed < warmUp) await Block(100, Send, paths);

        Console.WriteLine();
        Console.WriteLine($"{requests} requests of each kind per block, interleaved, concurrency 1; GET /v1/models; milliseconds");
        Console.WriteLine();
        Console.WriteLine("| block | no auth p50 | API key p50 | added p50 | no auth p99 | API key p99 | added p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var added50 = new List<double>();
        var added99 = new List<double>();
        for (var block = 1; block <= blocks; block++)
        {
            var samples = await Block(requests, Send, paths);
            var (p50, p99) = (Percentiles.Of(samples[0], 50), Percentiles.Of(samples[0], 99));
            var (a50, a99) = (Percentiles.Of(samples[1], 50), Percentiles.Of(samples[1], 99));
            added50.Add(a50 - p50);
            added99.Add(a99 - p99);
            Console.WriteLine($"| {block} | {p50:0.000} | {a50:0.000} | {a50 - p50:0.000} | {p99:0.000} | {a99:0.000} | {a99 - p99:0.000} |");
        }
        Console.WriteLine($"| median | | | {Percentiles.Of(added50, 50):0.000} | | | {Percentiles.Of(added99, 50):0.000} |");
        Console.WriteLine();
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>One request to each path per round, the order alternating by round so neither is always first.</summary>
    private static async Task<List<double>[]> Block(int requests, Func<Uri, Task<double>> send, Uri[] paths)
    {
        var samples = paths.Select(_ => new List<double>(requests)).ToArray();
        for (var round = 0; round < requests; round++)
        {
            for (var i = 0; i < paths.Length; i++)
            {
                var which = (round + i) % paths.Length;
                samples[which].Add(await send(paths[which]));
            }
        }
        return samples;
    }

    /// <summary>A host shaped like SYMORQ's public HTTP port; with <paramref name="apiKey"/>, SYMORQ's authentication.</summary>
    private static async Task<WebApplication> StartAsync(string? apiKey)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(apiKey is null ? [] : [new(ApiKeyAuthentication.ConfigurationKey, apiKey)]);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
        builder.AddServiceDefaults();
        if (apiKey is not null)
        {
            var before = builder.Services.Count;
            builder.AddApiKeyAuthentication();
            // The key ring's refresh from PostgreSQL, which this host does not have; the ring itself stays (empty).
            foreach (var refresh in builder.Services.Skip(before).Where(d => d.ServiceType == typeof(IHostedService)).ToList())
                builder.Services.Remove(refresh);
        }
        var app = builder.Build();
        app.MapGet("/v1/models", () => Microsoft.AspNetCore.Http.Results.Text(Answer, "application/json"));
        await app.StartAsync();
        return app;
    }
}
