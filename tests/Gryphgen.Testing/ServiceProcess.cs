using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gryphgen.Testing;

/// <summary>
/// One of GRYPHGEN's services run as its own process from its build output, configured through environment
/// variables as the AppHost configures it, with an HTTP/1 endpoint (health, gateway) and an HTTP/2 one (gRPC).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log;

    private ServiceProcess(Process process, ConcurrentQueue<string> log, Uri httpUrl, Uri grpcUrl)
    {
        _process = process;
        _log = log;
        HttpUrl = httpUrl;
        GrpcUrl = grpcUrl;
    }

    public Uri HttpUrl { get; }

    public Uri GrpcUrl { get; }

    /// <summary>Processor time the service has used so far (user and system), e.g. to cost a benchmark's requests.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>What the service printed, for assertion messages.</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>Starts <c>services/NAME</c> and waits until its <c>/health</c> answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var output = Path.Combine(TestAssets.RepositoryRoot, "services", name, "bin", TestAssets.BuildConfiguration, "net10.0");
        var http = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var grpc = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(output, name + ".dll")])
        {
            WorkingDirectory = output, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Kestrel__Endpoints__http__Url"] = http.ToString();
        start.Environment["Kestrel__Endpoints__grpc__Url"] = grpc.ToString();
        foreach (var (key, value) in settings) start.Environment[key] = value;

        var log = new ConcurrentQueue<string>();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, log, http, grpc);
        using var client = new HttpClient();
        await Eventually.Get(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{service.Log}");
            try { return (await client.GetAsync(new Uri(http, "health"))).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, healthy => healthy, TimeSpan.FromSeconds(60), $"{name} becoming healthy");
        return service;
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
