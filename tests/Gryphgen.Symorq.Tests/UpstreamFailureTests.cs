using System.Net;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// Endpoints that fail, against a real SYMORQ: one that keeps its answer headers past the first-byte timeout is
/// given up (504, its slot free again); one added at run time that answers an error has its status reported, never
/// its text, to the gateway's caller, the grid's listing and the log.
/// </summary>
public sealed class UpstreamFailureTests : IAsyncLifetime
{
    private const string UpstreamSecret = "upstream-internal-detail-93c1f";
    private RedisServerProcess _redis = null!;
    private ScriptedLlmServer _upstream = null!;
    private ServiceProcess _symorq = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _upstream = await ScriptedLlmServer.StartAsync();
        var settings = await GridProcesses.Settings(_redis, ("configured", _upstream.Url, "openai", ["held"]));
        settings["Gryphgen__Gateway__FirstByteTimeout"] = "00:00:02";
        _symorq = await GridProcesses.StartSymorqAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _symorq.DisposeAsync();
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private async Task<GridEndpointInfo> EndpointAsync(string name)
    {
        using var channel = GridProcesses.OpenChannel(_symorq);
        var reply = await new Contracts.Grid.GridClient(channel).ListEndpointsAsync(new ListEndpointsRequest());
        return reply.Endpoints.Single(e => e.Name == name);
    }

    [Fact]
    public async Task An_endpoint_that_keeps_its_headers_past_the_first_byte_timeout_is_answered_504_and_its_slot_freed()
    {
        await Eventually.Get(() => EndpointAsync("configured"), e => e.Available, TimeSpan.FromSeconds(30), "the endpoint up");
        _upstream.Hold();

        using var gateway = new GatewayClient(_symorq.HttpUrl);
        using var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("held", 4));

        var error = await GatewayClient.ErrorOf(response);
        Assert.Equal((504, "server_error", "upstream_timeout"), (error.Status, error.Type, error.Code));
        Assert.Equal(0, (await EndpointAsync("configured")).InFlight);
        // The upstream request was given up, not left running.
        await Eventually.Get(() => Task.FromResult(_upstream.Abandoned), n => n == 1, TimeSpan.FromSeconds(30), "the upstream request cancelled");
    }

    [Fact]
    public async Task A_stream_whose_headers_came_in_time_runs_past_the_first_byte_timeout()
    {
        await Eventually.Get(() => EndpointAsync("configured"), e => e.Available, TimeSpan.FromSeconds(30), "the endpoint up");
        _upstream.Hold(midStream: true);
        _upstream.Fallback = _ => "a streamed answer in three pieces";

        using var gateway = new GatewayClient(_symorq.HttpUrl);
        var sending = gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("held", 4, stream: true));
        await Eventually.Get(() => Task.FromResult(_upstream.Requests.Count), n => n == 1, TimeSpan.FromSeconds(30), "the stream begun");
        await Task.Delay(TimeSpan.FromSeconds(4)); // twice the first-byte timeout, with the first chunk already relayed
        _upstream.Release();
        using var response = await sending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data: [DONE]", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _upstream.Abandoned);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(500)]
    public async Task An_error_of_an_endpoint_added_at_run_time_is_reported_by_its_status_without_its_text(int status)
    {
        await using var added = await ScriptedLlmServer.StartAsync();
        using (var channel = GridProcesses.OpenChannel(_symorq))
        {
            await new Contracts.Grid.GridClient(channel).AddEndpointAsync(new AddEndpointRequest
            {
                Name = "added", Url = added.Url.ToString(), Kind = "openai", Models = { "remote" },
            });
        }
        await Eventually.Get(() => EndpointAsync("added"), e => e.Available, TimeSpan.FromSeconds(30), "the added endpoint up");
        added.ChatFailure = (status, $"{{\"error\": {{\"message\": \"{UpstreamSecret}\"}}}}");

        using (var gateway = new GatewayClient(_symorq.HttpUrl))
        using (var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("remote", 4)))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(UpstreamSecret, body);
            // A 4xx is the caller's to see; after a 5xx the request had nowhere else to go.
            var error = await GatewayClient.ErrorOf(response);
            Assert.Equal(status < 500 ? (status, "upstream_error") : (503, "no_endpoint_available"), (error.Status, error.Code));
        }

        added.ModelListFailure = (status, UpstreamSecret);
        var probed = await Eventually.Get(() => EndpointAsync("added"), e => e.Problem.Contains($"HTTP {status}"),
            TimeSpan.FromSeconds(30), "the failing probe listed");
        Assert.DoesNotContain(UpstreamSecret, probed.Problem);
        Assert.DoesNotContain(UpstreamSecret, _symorq.Log);
    }
}
