using System.Diagnostics;

namespace Gryphgen.Testing;

/// <summary>
/// One of GRYPHGEN's services run as its own process from its build output, configured through environment
/// variables as the AppHost configures it, with an HTTP/1 endpoint (health, gateway) and an HTTP/2 one (gRPC).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly LoggedProcess _process;

    private ServiceProcess(LoggedProcess process, Uri httpUrl, Uri grpcUrl)
    {
        _process = process;
        HttpUrl = httpUrl;
        GrpcUrl = grpcUrl;
    }

    public Uri HttpUrl { get; }

    public Uri GrpcUrl { get; }

    /// <summary>Processor time the service has used so far (user and system), e.g. to cost a benchmark's requests.</summary>
    public TimeSpan ProcessorTime => _process.ProcessorTime;

    /// <summary>What the service printed, for assertion messages.</summary>
    public string Log => _process.Log;

    /// <summary>
    /// Starts <c>services/NAME</c> and waits until its <c>/health</c> answers 200. Give the URLs of an earlier run
    /// to restart a service where its clients expect it.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings,
        Uri? httpUrl = null, Uri? grpcUrl = null)
    {
        var http = httpUrl ?? new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var grpc = grpcUrl ?? new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var start = StartInfo(name, settings);
        start.Environment["Kestrel__Endpoints__http__Url"] = http.ToString();
        start.Environment["Kestrel__Endpoints__grpc__Url"] = grpc.ToString();

        var process = LoggedProcess.Start(start);
        var service = new ServiceProcess(process, http, grpc);
        using var client = new HttpClient();
        await Eventually.Get(async () =>
        {
            await process.ThrowIfExitedAsync(name);
            try { return (await client.GetAsync(new Uri(http, "health"))).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, healthy => healthy, TimeSpan.FromSeconds(60), $"{name} becoming healthy");
        return service;
    }

    /// <summary>Starts a service that serves no HTTP (an agent worker); it announces itself elsewhere (on the fabric).</summary>
    public static LoggedProcess StartWorker(string name, IReadOnlyDictionary<string, string> settings) =>
        LoggedProcess.Start(StartInfo(name, settings));

    /// <summary>Stops the service (SIGSTOP) until <see cref="Resume"/>: a pause, not a death.</summary>
    public void Pause() => _process.Pause();

    public void Resume() => _process.Resume();

    /// <summary>Kills the service at once (SIGKILL), as a crash would: no shutdown, no goodbyes.</summary>
    public void Kill() => _process.Kill();

    /// <summary>
    /// SIGKILL to the service's own process only, as the kernel's OOM killer or <c>kill -9</c> would: the programs it
    /// started live on, orphaned, for whatever comes next to find.
    /// </summary>
    public void KillAlone() => _process.KillAlone();

    private static ProcessStartInfo StartInfo(string name, IReadOnlyDictionary<string, string> settings)
    {
        var output = Path.Combine(TestAssets.RepositoryRoot, "services", name, "bin", TestAssets.BuildConfiguration, "net10.0");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(output, name + ".dll")]) { WorkingDirectory = output };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in settings) start.Environment[key] = value;
        return start;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
