using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Gryphgen.Testing;

namespace Gryphgen.Benchmarks;

/// <summary>
/// What SYMORQ's gateway adds to a request: the same chat request sent straight to a llama-server and through a
/// SYMORQ process in front of that same server, interleaved request by request so that drift on a shared machine
/// hits both alike. Latency at concurrency 1 and 16, then throughput at saturation in alternating windows.
/// </summary>
public static class GatewayOverheadBenchmark
{
    private const int Slots = 16;

    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "requests of each kind (direct, gateway) per concurrency level", DefaultValueFactory = _ => 1000 };
        // As many clients as slots: every slot busy, and llama-server's HTTP threads (slots + 8) still free to answer
        // SYMORQ's probes; starved of them, the prober marks the server down and the gateway answers 503.
        var saturation = new Option<int>("--saturation-clients") { Description = "concurrent clients for the throughput windows", DefaultValueFactory = _ => Slots };
        var window = new Option<double>("--window-seconds") { Description = "length of each throughput window (three of each kind, alternating)", DefaultValueFactory = _ => 5 };
        var command = new Command("gateway-overhead", "SYMORQ: latency and throughput of chat requests through the gateway against straight to llama-server")
        {
            requests, saturation, window,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(requests), parse.GetValue(saturation), TimeSpan.FromSeconds(parse.GetValue(window)), cancellationToken));
        return command;
    }

    private static async Task RunAsync(int requests, int saturationClients, TimeSpan window, CancellationToken cancellationToken)
    {
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        await using var redis = await RedisServerProcess.StartAsync();
        await using var llama = await LlamaServerProcess.StartAsync(parallel: Slots, contextPerSlot: 512, embeddings: false);
        await using var symorq = await GridProcesses.StartSymorqAsync(await GridProcesses.Settings(redis, ("llama", llama.Url, "llamacpp", ["tiny"])));

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        // The model id llama-server reports, so both paths send byte-identical bodies (no alias to rewrite).
        var model = (await http.GetFromJsonAsync<JsonObject>(new Uri(llama.Url, "v1/models"), cancellationToken))!["data"]![0]!["id"]!.GetValue<string>();
        await Eventually.Get(() => http.GetStringAsync(new Uri(symorq.HttpUrl, "v1/models"), cancellationToken),
            models => models.Contains(model, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the gateway probing the llama-server");
        var body = new JsonObject
        {
            ["model"] = model, ["max_tokens"] = 8, ["temperature"] = 0,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Name three colours." }),
        }.ToJsonString();
        var direct = new Uri(llama.Url, "v1/chat/completions");
        var gateway = new Uri(symorq.HttpUrl, "v1/chat/completions");

        async Task<double> Send(Uri url)
        {
            var clock = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {answer}");
            return Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }

        // Warm-up: connection pools, llama-server's prompt cache in every slot, and enough requests for tiered JIT
        // to settle in SYMORQ (its recompilation would otherwise be charged to the first row).
        await Interleaved(Slots, 50 * Slots, Send, direct, gateway);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"{requests} requests of each kind per row, interleaved; chat, max_tokens 8, temperature 0, no cache; milliseconds");
        Console.WriteLine();
        Console.WriteLine("| concurrency | direct p50 | gateway p50 | added p50 | direct p99 | gateway p99 | added p99 |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        var processor = new List<string>();
        foreach (var concurrency in new[] { 1, Slots })
        {
            var before = symorq.ProcessorTime;
            var (straight, through) = await Interleaved(concurrency, requests, Send, direct, gateway);
            processor.Add($"{(symorq.ProcessorTime - before).TotalMilliseconds / requests:0.00} ms at concurrency {concurrency}");
            Console.WriteLine($"| {concurrency} | {P(straight, 50):0.00} | {P(through, 50):0.00} | {P(through, 50) - P(straight, 50):0.00} " +
                $"| {P(straight, 99):0.00} | {P(through, 99):0.00} | {P(through, 99) - P(straight, 99):0.00} |");
        }

        Console.WriteLine();
        Console.WriteLine($"SYMORQ's processor time per gateway request (its idle work included): {string.Join(", ", processor)}");

        var rates = new Dictionary<Uri, List<double>> { [direct] = [], [gateway] = [] };
        for (var round = 0; round < 3; round++)
        {
            foreach (var url in round % 2 == 0 ? new[] { direct, gateway } : [gateway, direct])
                rates[url].Add(await Throughput(saturationClients, window, () => Send(url)));
        }
        Console.WriteLine();
        Console.WriteLine($"throughput at saturation: {saturationClients} clients, three {window.TotalSeconds:0} s windows of each kind, alternating; requests/s");
        Console.WriteLine();
        Console.WriteLine("| path | mean | windows |");
        Console.WriteLine("|---|---:|---|");
        foreach (var (name, url) in new[] { ("direct", direct), ("gateway", gateway) })
            Console.WriteLine($"| {name} | {rates[url].Average():0} | {string.Join(", ", rates[url].Select(r => r.ToString("0")))} |");
        Console.WriteLine();
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static double P(IReadOnlyList<double> samples, double percentile) => Percentiles.Of(samples, percentile);

    /// <summary>
    /// <paramref name="concurrency"/> clients, each alternating direct and gateway requests (swapping which goes first
    /// every pair), until <paramref name="requests"/> of each kind are done.
    /// </summary>
    private static async Task<(List<double> Direct, List<double> Gateway)> Interleaved(int concurrency, int requests,
        Func<Uri, Task<double>> send, Uri direct, Uri gateway)
    {
        var straight = new List<double>();
        var through = new List<double>();
        var pairs = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int pair;
            while ((pair = Interlocked.Increment(ref pairs)) <= requests)
            {
                var directFirst = pair % 2 == 0;
                var first = await send(directFirst ? direct : gateway);
                var second = await send(directFirst ? gateway : direct);
                lock (straight)
                {
                    straight.Add(directFirst ? first : second);
                    through.Add(directFirst ? second : first);
                }
            }
        }));
        return (straight, through);
    }

    /// <summary>Requests per second that <paramref name="clients"/> back-to-back clients complete in <paramref name="window"/>.</summary>
    private static async Task<double> Throughput(int clients, TimeSpan window, Func<Task<double>> send)
    {
        var completed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < window)
            {
                await send();
                Interlocked.Increment(ref completed);
            }
        }));
        return completed / clock.Elapsed.TotalSeconds;
    }
}
