using System.Diagnostics;

namespace Gryphgen.Testing;

/// <summary>A real llama-server serving the tiny test model on a free loopback port, for one test class.</summary>
public sealed class LlamaServerProcess : IAsyncDisposable
{
    private readonly LoggedProcess _process;
    private readonly string[] _arguments;

    private LlamaServerProcess(LoggedProcess process, Uri url, string[] arguments)
    {
        _process = process;
        Url = url;
        _arguments = arguments;
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    /// <summary>Kills the server at once (SIGKILL), as a crash or a pulled cable would.</summary>
    public void Kill() => _process.Kill();

    /// <summary>One of llama-server's Prometheus values (<c>llamacpp:NAME</c>), e.g. requests_processing.</summary>
    public Task<double> MetricAsync(string name) => LlamaMetrics.ReadAsync(Url, name);

    /// <remarks>With embeddings on, use an even slot count: this llama.cpp build aborts with an odd one.</remarks>
    public static async Task<LlamaServerProcess> StartAsync(int parallel = 2, int contextPerSlot = 512, bool embeddings = true,
        IReadOnlyList<string>? extraArguments = null)
    {
        var port = FreePort.Next();
        string[] arguments =
        [
            "-m", TestAssets.TinyModel, "--host", "127.0.0.1", "--port", port.ToString(), "--parallel", parallel.ToString(),
            "--ctx-size", (contextPerSlot * parallel).ToString(), "--metrics", "--slots", "--no-webui",
            "--threads-http", (parallel + 8).ToString(), // as the AppHost starts it: see LlamaServerArguments
            .. embeddings ? new[] { "--embeddings", "--pooling", "mean" } : [],
            .. extraArguments ?? [],
        ];
        return await LaunchAsync(arguments, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>The same server started again where this one was (after <see cref="Kill"/>), as a supervisor restarts it.</summary>
    public Task<LlamaServerProcess> StartAgainAsync() => LaunchAsync(_arguments, Url);

    private static async Task<LlamaServerProcess> LaunchAsync(string[] arguments, Uri url)
    {
        var process = LoggedProcess.Start(new ProcessStartInfo(TestAssets.LlamaServer, arguments));
        var server = new LlamaServerProcess(process, url, arguments);
        using var http = new HttpClient();
        await Eventually.Get(async () =>
        {
            await process.ThrowIfExitedAsync("llama-server");
            try { return (await http.GetAsync(new Uri(server.Url, "health"))).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, ready => ready, TimeSpan.FromSeconds(30), "llama-server becoming ready");
        return server;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
