using System.Diagnostics;

namespace Gryphgen.Testing;

/// <summary>A real llama-server serving the tiny test model on a free loopback port, for one test class.</summary>
public sealed class LlamaServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private LlamaServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    /// <remarks>An even slot count: this llama.cpp build aborts with an odd one when embeddings are on.</remarks>
    public static async Task<LlamaServerProcess> StartAsync(int parallel = 2)
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo(TestAssets.LlamaServer,
        [
            "-m", TestAssets.TinyModel, "--host", "127.0.0.1", "--port", port.ToString(), "--parallel", parallel.ToString(),
            "--ctx-size", (512 * parallel).ToString(), "--metrics", "--slots", "--no-webui", "--embeddings", "--pooling", "mean",
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new LlamaServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient();
        await Eventually.Get(async () =>
        {
            if (process.HasExited)
                throw new InvalidOperationException($"llama-server exited with {process.ExitCode}: {string.Join('\n', log.TakeLast(20))}");
            try { return (await http.GetAsync(new Uri(server.Url, "health"))).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, ready => ready, TimeSpan.FromSeconds(30), "llama-server becoming ready");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
