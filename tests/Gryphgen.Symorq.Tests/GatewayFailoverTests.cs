using System.Net;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>Two real llama-servers serving one alias; one is killed in the middle of a run.</summary>
public sealed class GatewayFailoverTests : IAsyncLifetime
{
    private LlamaServerProcess _doomed = null!;
    private LlamaServerProcess _survivor = null!;
    private RedisServerProcess _redis = null!;
    private ServiceProcess _symorq = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _doomed = await LlamaServerProcess.StartAsync(parallel: 2, contextPerSlot: 1024);
        _survivor = await LlamaServerProcess.StartAsync(parallel: 2, contextPerSlot: 1024);
        _symorq = await GridProcesses.StartSymorqAsync(await GridProcesses.Settings(_redis,
            ("doomed", _doomed.Url, "llamacpp", ["coder"]), ("survivor", _survivor.Url, "llamacpp", ["coder"])));
    }

    public async Task DisposeAsync()
    {
        await _symorq.DisposeAsync();
        await _doomed.DisposeAsync();
        await _survivor.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Killing_one_server_mid_run_loses_no_request_that_had_not_started_streaming()
    {
        using var gateway = new GatewayClient(_symorq.HttpUrl);
        var completed = 0;
        async Task<HttpStatusCode> Send()
        {
            using var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("coder", 300));
            Interlocked.Increment(ref completed);
            return response.StatusCode;
        }

        var requests = new List<Task<HttpStatusCode>>();
        for (var i = 0; i < 24; i++) requests.Add(Send());
        await Eventually.Get(() => Task.FromResult(completed), n => n >= 4, TimeSpan.FromSeconds(90), "the run getting going");
        var doomedServedBeforeKill = await _doomed.MetricAsync("n_decode_total");
        _doomed.Kill();

        var statuses = await Task.WhenAll(requests);

        Assert.True(doomedServedBeforeKill > 0, "both servers were in use before the kill");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(await _survivor.MetricAsync("n_decode_total") > 0);
    }
}
