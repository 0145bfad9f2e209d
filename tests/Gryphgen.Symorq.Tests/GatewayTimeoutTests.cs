using System.Net;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// The gateway's bounds on an endpoint that stops sending, against a real SYMORQ: a stream silent for its idle
/// timeout is ended with an error event and its slot freed; a whole answer whose body stops is failed over; a slow one that keeps sending is not cut; an endpoint's
/// own timeouts win over the gateway's. Time bounds here are generous "it ended" limits, not measurements.
/// </summary>
public sealed class GatewayTimeoutTests(TimeoutGatewayGrid grid) : IClassFixture<TimeoutGatewayGrid>, IDisposable
{
    private static readonly TimeSpan Ended = TimeSpan.FromSeconds(60);
    private readonly GatewayClient _gateway = new(grid.Symorq.HttpUrl);

    private async Task<(HttpStatusCode Status, string Body)> StreamAsync(string alias)
    {
        using var bound = new CancellationTokenSource(Ended);
        using var response = await _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(alias, 16, stream: true), ct: bound.Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(bound.Token));
    }

    [Fact]
    public async Task A_stream_that_goes_silent_ends_with_an_error_event_and_frees_its_slot()
    {
        var before = await grid.EndpointAsync(TimeoutGatewayGrid.Stalling);
        var abandoned = grid.Llm.Abandoned;
        grid.Llm.Fallback = _ => "a streamed answer in three pieces";
        grid.Llm.Hold(midStream: true);

        var (status, body) = await StreamAsync(TimeoutGatewayGrid.Stalling);

        Assert.Equal(HttpStatusCode.OK, status); // the headers had gone out with the first chunk
        Assert.Contains("a stream", body);
        Assert.Contains("\"code\":\"upstream_idle_timeout\"", body);
        Assert.Contains("Gryphgen:Gateway:StreamIdleTimeout", body);
        Assert.DoesNotContain("[DONE]", body);
        await Eventually.Get(() => Task.FromResult(grid.Llm.Abandoned), n => n == abandoned + 1, Ended, "the upstream request given up");
        var after = await grid.EndpointAsync(TimeoutGatewayGrid.Stalling);
        Assert.Equal(0, after.InFlight);
        Assert.Equal(before.Failures + 1, after.Failures);

        // Its single slot is free again: the next request is served.
        grid.Llm.Release();
        var (nextStatus, nextBody) = await StreamAsync(TimeoutGatewayGrid.Stalling);
        Assert.Equal(HttpStatusCode.OK, nextStatus);
        Assert.Contains("data: [DONE]", nextBody);
    }

    [Fact]
    public async Task A_slow_stream_that_keeps_sending_is_not_cut()
    {
        // 7.7 s in all, nearly twice its endpoint's four-second idle timeout, and a chunk every 0.7 s: a loaded
        // machine's stalls of the gateway's reads (CI met one over 0.8 s with a one-second bound and 0.2 s pauses)
        // have more than three seconds before the bound, which is the same timer the gateway's own applies.
        grid.Llm.Fallback = _ => "twelve chars";
        grid.Llm.Pace = (12, TimeSpan.FromMilliseconds(700));

        var (status, body) = await StreamAsync(TimeoutGatewayGrid.Steady);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("upstream_idle_timeout", body);
        Assert.Contains("data: [DONE]", body);
        Assert.Equal(12, body.Split("chat.completion.chunk").Length - 1);
    }

    [Fact]
    public async Task An_endpoints_own_stream_idle_timeout_wins_over_the_gateways()
    {
        grid.Llm.Fallback = _ => "a streamed answer in three pieces";
        grid.Llm.Hold(midStream: true);
        var streaming = StreamAsync(TimeoutGatewayGrid.Patient);
        await Task.Delay(TimeoutGatewayGrid.IdleTimeout * 3); // silent three times the gateway's idle timeout
        grid.Llm.Release();

        var (status, body) = await streaming;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("upstream_idle_timeout", body);
        Assert.Contains("data: [DONE]", body);
    }

    [Fact]
    public async Task A_whole_answer_whose_body_stops_after_its_headers_fails_over_and_frees_its_slot()
    {
        var before = await grid.EndpointAsync(TimeoutGatewayGrid.Stalling);
        grid.Llm.Hold(afterHeaders: true);
        using var bound = new CancellationTokenSource(Ended);

        using var response = await _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(TimeoutGatewayGrid.Stalling, 4), ct: bound.Token);

        // Its only endpoint tried, nothing relayed: the caller is told no endpoint answered in time.
        var error = await GatewayClient.ErrorOf(response);
        Assert.Equal((504, "upstream_timeout"), (error.Status, error.Code));
        Assert.Contains("StreamIdleTimeout", error.Message);
        var after = await grid.EndpointAsync(TimeoutGatewayGrid.Stalling);
        Assert.Equal(0, after.InFlight);
        // The failure is counted (its text, the endpoint's last problem, is the prober's to clear as soon as it next finds
        // the endpoint answering, so it is not read here).
        Assert.Equal(before.Failures + 1, after.Failures);

        grid.Llm.Release();
        using var next = await _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(TimeoutGatewayGrid.Stalling, 4), ct: bound.Token);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task An_endpoints_own_first_byte_timeout_wins_over_the_gateways()
    {
        grid.Llm.Hold();
        using var bound = new CancellationTokenSource(Ended); // the gateway's own is five minutes

        using var response = await _gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(TimeoutGatewayGrid.Hasty, 4), ct: bound.Token);

        var error = await GatewayClient.ErrorOf(response);
        Assert.Equal((504, "upstream_timeout"), (error.Status, error.Code));
    }

    public void Dispose()
    {
        grid.Llm.Release();
        grid.Llm.Pace = null;
        grid.Llm.Fallback = _ => "ok";
        _gateway.Dispose();
    }
}
