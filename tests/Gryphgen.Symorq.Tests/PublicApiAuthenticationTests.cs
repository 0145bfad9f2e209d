using System.Net;
using System.Text.Json.Nodes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// A real SYMORQ process started with an API key: every RPC of every public service and every HTTP route it maps
/// refuses a caller without the key or with a wrong one; only /health and /alive answer anyone.
/// </summary>
public sealed class PublicApiAuthenticationTests : IAsyncLifetime
{
    /// <summary>The services on SYMORQ's public gRPC port, each with every method its descriptor lists.</summary>
    internal static readonly Google.Protobuf.Reflection.ServiceDescriptor[] PublicServices =
        [Tasks.Descriptor, Contracts.Grid.Descriptor, Contracts.Status.Descriptor, Contracts.Knowledge.Descriptor, Contracts.Keys.Descriptor, Contracts.Agents.Descriptor];

    private RedisServerProcess _redis = null!;
    private ServiceProcess _symorq = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _symorq = await GridProcesses.StartSymorqAsync(await GridProcesses.Settings(_redis));
    }

    public async Task DisposeAsync()
    {
        await _symorq.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData(GridProcesses.ApiKey + "x")]
    public async Task Every_RPC_of_every_public_service_is_UNAUTHENTICATED_without_the_key(string? key)
    {
        using var channel = ApiKeyChannel.Open(_symorq.GrpcUrl, key);
        var results = await EveryRpc.CallAsync(channel.CreateCallInvoker(), PublicServices);

        Assert.Equal(PublicServices.Sum(s => s.Methods.Count), results.Count);
        Assert.Equal(results.Select(r => (r.Method, StatusCode.Unauthenticated)), results);
    }

    [Fact]
    public async Task A_refusal_says_how_to_send_the_key_and_never_shows_it()
    {
        using var channel = ApiKeyChannel.Open(_symorq.GrpcUrl, "wrong-key");
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Contracts.Status.StatusClient(channel).GetStatusAsync(new GetStatusRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("Authorization: Bearer", error.Status.Detail);
        Assert.DoesNotContain(GridProcesses.ApiKey, error.Status.Detail);
    }

    [Fact]
    public async Task With_the_key_the_public_services_answer()
    {
        using var channel = GridProcesses.OpenChannel(_symorq);
        var status = await new Contracts.Status.StatusClient(channel).GetStatusAsync(new GetStatusRequest());
        Assert.Contains(status.Components, c => c.Name == "symorq");
        await new Contracts.Grid.GridClient(channel).ListEndpointsAsync(new ListEndpointsRequest());
    }

    [Theory]
    [InlineData("RecordLesson")]
    [InlineData("BuildContext")]
    public async Task Lessons_and_context_building_are_not_on_the_public_port_even_with_the_key(string method)
    {
        using var channel = GridProcesses.OpenChannel(_symorq);
        var results = await EveryRpc.CallAsync(channel.CreateCallInvoker(), Contracts.Knowledge.Descriptor);

        Assert.Equal(StatusCode.Unimplemented, results.Single(r => r.Method == $"{Contracts.Knowledge.Descriptor.FullName}/{method}").Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Every_mapped_HTTP_route_answers_401_without_the_key(string? key)
    {
        var routes = await MappedHttpRoutesAsync();
        Assert.Contains(routes, r => r.Pattern == "/v1/chat/completions");
        Assert.Contains(routes, r => r.Pattern == "/api/tasks/{id}/artifacts");

        using var http = new HttpClient { BaseAddress = _symorq.HttpUrl };
        foreach (var (method, pattern) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), pattern.Replace("{id}", "t-000000000000").TrimStart('/'))
            {
                Content = method == "GET" ? null : new StringContent("{}"),
            };
            if (key is not null) request.Headers.Authorization = new("Bearer", key);
            using var response = await http.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {pattern} answered {(int)response.StatusCode}");
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
            Assert.Equal("invalid_api_key", (string?)error["code"]);
        }
    }

    [Theory]
    [InlineData("health")]
    [InlineData("alive")]
    public async Task Health_and_aliveness_answer_without_a_key(string path)
    {
        using var http = new HttpClient { BaseAddress = _symorq.HttpUrl };
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// Every HTTP route SYMORQ maps, read from its own EndpointDataSource (SYMORQ hosted in-process on a database of
    /// its own), so a route added later is checked without anyone adding it here. gRPC methods and the two anonymous
    /// health routes are left out: the tests above cover them.
    /// </summary>
    private async Task<List<(string Method, string Pattern)>> MappedHttpRoutesAsync()
    {
        var settings = await GridProcesses.Settings(_redis);
        // Any type of SYMORQ's names its entry assembly (Program is ambiguous here: the CLI has one too).
        await using var factory = new WebApplicationFactory<Grid.Gateway.GatewayOptions>().WithWebHostBuilder(web =>
        {
            foreach (var (name, value) in settings) web.UseSetting(name.Replace("__", ":"), value);
        });
        return factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is null)
            .Where(e => e.RoutePattern.RawText is not ("/health" or "/alive"))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!)))
            .ToList();
    }
}
