using System.Net;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// Endpoint URLs against SSRF, in real SYMORQ processes: link-local and metadata addresses refused always, private
/// ones when configured so, checked on the address connected to (a name is no way around it); endpoint answers are
/// size-capped. One SYMORQ as shipped (private addresses allowed) with a small answer cap, one with private
/// addresses refused.
/// </summary>
public sealed class EndpointScreeningTests : IAsyncLifetime
{
    private const int MaxResponseBytes = 64 * 1024;
    private RedisServerProcess _redis = null!;
    private ScriptedLlmServer _llm = null!;
    private ScriptedLlmServer _private = null!;
    private ServiceProcess _symorq = null!;
    private ServiceProcess _noPrivate = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _llm = await ScriptedLlmServer.StartAsync();
        _private = await ScriptedLlmServer.StartAsync();
        var settings = await GridProcesses.Settings(_redis, ("scripted", _llm.Url, "openai", ["big"]));
        settings["Gryphgen__Gateway__MaxResponseBytes"] = MaxResponseBytes.ToString();
        _symorq = await GridProcesses.StartSymorqAsync(settings);

        // The same server by name: allowed at add time, refused when connecting, since localhost is loopback.
        var byName = new UriBuilder(_private.Url) { Host = "localhost" }.Uri;
        var noPrivate = await GridProcesses.Settings(_redis, ("by-name", byName, "openai", ["private"]));
        noPrivate["Gryphgen__Llm__AllowPrivateAddresses"] = "false";
        _noPrivate = await GridProcesses.StartSymorqAsync(noPrivate);
    }

    public async Task DisposeAsync()
    {
        await _noPrivate.DisposeAsync();
        await _symorq.DisposeAsync();
        await _llm.DisposeAsync();
        await _private.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private static Task<GridEndpointInfo> AddAsync(ServiceProcess symorq, string name, string url)
    {
        var channel = GridProcesses.OpenChannel(symorq);
        return new Contracts.Grid.GridClient(channel).AddEndpointAsync(new AddEndpointRequest { Name = name, Url = url, Kind = "openai" }).ResponseAsync;
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://169.254.1.1:8080/v1")]
    [InlineData("http://[fe80::1]:8080/v1")]
    [InlineData("http://[::ffff:169.254.169.254]/v1")]
    [InlineData("http://100.100.100.200/v1")]
    [InlineData("http://[fd00:ec2::254]/v1")]
    public async Task A_link_local_or_metadata_address_is_refused_even_where_private_ones_are_allowed(string url)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => AddAsync(_symorq, "metadata", url));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Where_private_addresses_are_refused_a_loopback_address_is_refused_at_once()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => AddAsync(_noPrivate, "loopback", "http://127.0.0.1:1234/v1"));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_refused_address_is_refused_when_connecting()
    {
        using var gateway = new GatewayClient(_noPrivate.HttpUrl);
        using var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("private", 4));

        Assert.Equal((503, "no_endpoint_available"), ((int)response.StatusCode, (await GatewayClient.ErrorOf(response)).Code));
        Assert.Empty(_private.Requests);
    }

    [Fact]
    public async Task A_whole_answer_over_the_cap_is_refused_with_502_and_none_of_it_relayed()
    {
        _llm.Enqueue(new string('x', 4 * MaxResponseBytes));
        using var gateway = new GatewayClient(_symorq.HttpUrl);
        using var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("big", 4));

        var error = await GatewayClient.ErrorOf(response);
        Assert.Equal((502, "upstream_response_too_large"), (error.Status, error.Code));
        Assert.DoesNotContain("xxxx", error.Message);
    }

    [Fact]
    public async Task A_stream_over_the_cap_is_cut_off()
    {
        _llm.Enqueue(new string('y', 4 * MaxResponseBytes));
        using var gateway = new GatewayClient(_symorq.HttpUrl);
        using var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("big", 4, stream: true),
            completion: HttpCompletionOption.ResponseHeadersRead);

        var received = new MemoryStream();
        try
        {
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(received);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The gateway aborted the connection: that is the cut.
        }
        Assert.True(received.Length <= MaxResponseBytes, $"{received.Length} bytes relayed");
        Assert.DoesNotContain("[DONE]", System.Text.Encoding.UTF8.GetString(received.ToArray()));
    }

    [Fact]
    public async Task A_small_answer_still_passes()
    {
        _llm.Enqueue("small");
        using var gateway = new GatewayClient(_symorq.HttpUrl);
        using var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("big", 4));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
