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
/// hits both alike. Latency at concurrency 1 and 16, then of single requests each after an idle gap longer than
/// the shared slot's reuse window (so each pays the Redis claim, as a real model call of more than a second does),
/// then throughput at saturation in alternating windows.
/// </summary>
public static class GatewayOverheadBenchmark
{
    private const int Slots = 16;

    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "requests of each kind (direct, gateway) per concurrency level", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        // As many clients as slots: every slot busy, and llama-server's HTTP threads (slots + 8) still free to answer
        // SYMORQ's probes; starved of them, the prober marks the server down and the gateway answers 503.
        var saturation = new Option<int>("--saturation-clients") { Description = "concurrent clients for the throughput windows", DefaultValueFactory = _ => Slots }.AtLeast(1);
        var window = new Option<double>("--window-seconds") { Description = "length of each throughput window (three of each kind, alternating); 0 skips them", DefaultValueFactory = _ => 5 }.AtLeast(0);
        var concurrency = new Option<int[]>("--concurrency") { Description = "the concurrency levels of the latency rows", DefaultValueFactory = _ => [1, Slots], AllowMultipleArgumentsPerToken = true }.EachAtLeast(1);
        var warmUp = new Option<double>("--warm-up-seconds") { Description = "interleaved requests at full concurrency before measuring", DefaultValueFactory = _ => 45 }.AtLeast(0);
        // For A/B runs of SYMORQ's settings, e.g. --symorq-setting Gryphgen__Llm__SharedSlots=false.
        var symorqSettings = new Option<string[]>("--symorq-setting") { Description = "KEY=VALUE added to SYMORQ's environment (repeatable)", DefaultValueFactory = _ => [] };
        symorqSettings.Validators.Add(result =>
        {
            foreach (var bad in result.GetValueOrDefault<string[]>().Where(s => s.IndexOf('=') < 1))
                result.AddError($"--symorq-setting takes KEY=VALUE (got '{bad}')");
        });
        var idleRequests = new Option<int>("--idle-requests") { Description = "requests of each kind sent one at a time, each after an idle gap; 0 skips them", DefaultValueFactory = _ => 40 }.AtLeast(0);
        // Longer than SYMORQ's SharedSlotReuseWindow (1 s): the slot has gone back to Redis, so each request claims it again.
        var idleGap = new Option<double>("--idle-gap-seconds") { Description = "the idle gap before each of those requests", DefaultValueFactory = _ => 1.5 }.AtLeast(0);
        var withFloor = new Option<bool>("--floor") { Description = "also measure a bare Kestrel + HttpClient proxy (see FloorProxy) in front of the same server" };
        var llamaArguments = new Option<string[]>("--llama-argument") { Description = "an argument added to llama-server's command line (repeatable)", DefaultValueFactory = _ => [] };
        var command = new Command("gateway-overhead", "SYMORQ: latency and throughput of chat requests through the gateway against straight to llama-server")
        {
            requests, saturation, window, concurrency, warmUp, symorqSettings, llamaArguments, withFloor, idleRequests, idleGap,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(requests), parse.GetValue(saturation), TimeSpan.FromSeconds(parse.GetValue(window)),
                parse.GetValue(concurrency)!, TimeSpan.FromSeconds(parse.GetValue(warmUp)), parse.GetValue(symorqSettings)!, parse.GetValue(llamaArguments)!, parse.GetValue(withFloor),
                parse.GetValue(idleRequests), TimeSpan.FromSeconds(parse.GetValue(idleGap)), cancellationToken));
        return command;
    }

    private static async Task RunAsync(int requests, int saturationClients, TimeSpan window, int[] concurrencies,
        TimeSpan warmUp, string[] symorqSettings, string[] llamaArguments, bool withFloor, int idleRequests, TimeSpan idleGap,
        CancellationToken cancellationToken)
    {
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        await using var redis = await RedisServerProcess.StartAsync();
        await using var llama = await LlamaServerProcess.StartAsync(parallel: Slots, contextPerSlot: 512, embeddings: false, llamaArguments);
        var settings = await GridProcesses.Settings(redis, ("llama", llama.Url, "llamacpp", ["tiny"]));
        // As deployed, not as the tests run it: Production (no developer exception page, no scope validation) and the
        // default probe interval.
        settings["ASPNETCORE_ENVIRONMENT"] = settings["DOTNET_ENVIRONMENT"] = "Production";
        settings.Remove("Gryphgen__Llm__ProbeInterval");
        foreach (var setting in symorqSettings.Select(s => s.Split('=', 2))) settings[setting[0]] = setting[1];
        Console.WriteLine($"SYMORQ settings added: {(symorqSettings.Length == 0 ? "none" : string.Join(" ", symorqSettings))}");
        await using var symorq = await GridProcesses.StartSymorqAsync(settings);

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        // SYMORQ requires its key; llama-server ignores it, so every path sends the same headers.
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GridProcesses.ApiKey);
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
        var floor = withFloor ? await FloorProxy.StartAsync(llama.Url) : default((LoggedProcess Process, Uri Url)?);
        await using var floorProcess = floor?.Process;
        var floorUrl = floor is { Url: var url } ? new Uri(url, "v1/chat/completions") : null;
        var gateway = new Uri(symorq.HttpUrl, "v1/chat/completions");

        async Task<double> Send(Uri url)
        {
            var clock = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {answer}");
            return Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }

        // Warm-up: connection pools, llama-server's prompt cache in every slot, and long enough for tiered JIT to settle
        // in SYMORQ (measured with DOTNET_PerfMapEnabled: its methods stop being recompiled about 45 s after start).
        Uri[] paths = floorUrl is null ? [direct, gateway] : [direct, gateway, floorUrl];
        var warmUpClock = Stopwatch.StartNew();
        while (warmUpClock.Elapsed < warmUp)
        {
            await Interleaved(Slots, 50 * Slots, Send, paths);
        }
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"{requests} requests of each kind per row, interleaved; chat, max_tokens 8, temperature 0, no cache; milliseconds. " +
            "'added' is the difference of the percentiles; 'paired' the percentile of each round's own difference (the same client's requests down both paths, one after the other)");
        Console.WriteLine();
        Console.WriteLine("| through | concurrency | direct p50 | through p50 | added p50 | paired p50 | direct p99 | through p99 | added p99 | paired p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var processor = new List<string>();
        foreach (var concurrency in concurrencies)
        {
            var before = symorq.ProcessorTime;
            var samples = await Interleaved(concurrency, requests, Send, paths);
            processor.Add($"{(symorq.ProcessorTime - before).TotalMilliseconds / requests:0.00} ms at concurrency {concurrency}");
            PrintRow("gateway", concurrency, samples[0], samples[1]);
            if (floorUrl is not null) PrintRow("floor proxy", concurrency, samples[0], samples[2]);
        }

        if (idleRequests > 0)
        {
            var samples = await AfterIdle(idleRequests, idleGap, Send, paths);
            var label = $"after {idleGap.TotalSeconds:0.#} s idle";
            PrintRow($"gateway, {label} ({idleRequests} each)", 1, samples[0], samples[1]);
            if (floorUrl is not null) PrintRow($"floor proxy, {label}", 1, samples[0], samples[2]);
        }

        Console.WriteLine();
        Console.WriteLine($"SYMORQ's processor time per gateway request (its idle work included): {string.Join(", ", processor)}");

        if (window > TimeSpan.Zero) await PrintThroughput(saturationClients, window, Send, direct, gateway);
        Console.WriteLine();
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>Three windows of each kind, alternating which goes first.</summary>
    private static async Task PrintThroughput(int saturationClients, TimeSpan window, Func<Uri, Task<double>> send, Uri direct, Uri gateway)
    {
        var rates = new Dictionary<Uri, List<double>> { [direct] = [], [gateway] = [] };
        for (var round = 0; round < 3; round++)
        {
            foreach (var url in round % 2 == 0 ? new[] { direct, gateway } : [gateway, direct])
                rates[url].Add(await Throughput(saturationClients, window, () => send(url)));
        }
        Console.WriteLine();
        Console.WriteLine($"throughput at saturation: {saturationClients} clients, three {window.TotalSeconds:0} s windows of each kind, alternating; requests/s");
        Console.WriteLine();
        Console.WriteLine("| path | mean | windows |");
        Console.WriteLine("|---|---:|---|");
        foreach (var (name, url) in new[] { ("direct", direct), ("gateway", gateway) })
            Console.WriteLine($"| {name} | {rates[url].Average():0} | {string.Join(", ", rates[url].Select(r => r.ToString("0")))} |");
    }

    /// <summary>A row of paired samples: <paramref name="direct"/>[k] and <paramref name="through"/>[k] come from the same round.</summary>
    private static void PrintRow(string path, int concurrency, List<double> direct, List<double> through)
    {
        var paired = through.Zip(direct, (t, d) => t - d).ToList();
        Console.WriteLine($"| {path} | {concurrency} | {P(direct, 50):0.00} | {P(through, 50):0.00} | {P(through, 50) - P(direct, 50):0.00} | {P(paired, 50):0.00} " +
            $"| {P(direct, 99):0.00} | {P(through, 99):0.00} | {P(through, 99) - P(direct, 99):0.00} | {P(paired, 99):0.00} |");
    }

    private static double P(IReadOnlyList<double> samples, double percentile) => Percentiles.Of(samples, percentile);

    /// <summary>
    /// <paramref name="concurrency"/> clients, each sending one request to every URL in turn (starting the round one
    /// URL later each time, so that no path is always first), until <paramref name="requests"/> rounds are done.
    /// Returns each URL's latencies, in the order of <paramref name="urls"/>.
    /// </summary>
    private static async Task<List<double>[]> Interleaved(int concurrency, int requests, Func<Uri, Task<double>> send, params Uri[] urls)
    {
        var samples = urls.Select(_ => new List<double>()).ToArray();
        var rounds = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int round;
            while ((round = Interlocked.Increment(ref rounds)) <= requests)
            {
                var latencies = new double[urls.Length];
                for (var i = 0; i < urls.Length; i++)
                {
                    var which = (round + i) % urls.Length;
                    latencies[which] = await send(urls[which]);
                }
                lock (samples)
                {
                    for (var i = 0; i < urls.Length; i++) samples[i].Add(latencies[i]);
                }
            }
        }));
        return samples;
    }

    /// <summary>
    /// One request at a time, each after <paramref name="gap"/> with nothing sent (so no path gets a machine another
    /// request just woke): one round down every URL in turn,
    /// starting one URL later each round. Returns each URL's latencies, in the order of <paramref name="urls"/>.
    /// </summary>
    private static async Task<List<double>[]> AfterIdle(int rounds, TimeSpan gap, Func<Uri, Task<double>> send, params Uri[] urls)
    {
        var samples = urls.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            var latencies = new double[urls.Length];
            for (var i = 0; i < urls.Length; i++)
            {
                await Task.Delay(gap);
                var which = (round + i) % urls.Length;
                latencies[which] = await send(urls[which]);
            }
            for (var i = 0; i < urls.Length; i++) samples[i].Add(latencies[i]);
        }
        return samples;
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
