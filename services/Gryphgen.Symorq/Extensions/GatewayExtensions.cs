using Gryphgen.Contracts;
using Gryphgen.Contracts.Network;
using Gryphgen.Persistence;
using Gryphgen.Symorq.Grid.Gateway;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Gryphgen.Symorq.Extensions;

/// <summary>The OpenAI-compatible gateway: the forwarder, its cache, its token meter and its upstream connection pool.</summary>
public static class GatewayExtensions
{
    public static IServiceCollection AddGateway(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // A connection of the cache's own, not the slot ledger's and token meter's: the cache closes it when it is
        // disposed, and a slow cache call does not queue behind theirs.
        services.AddFailOpenCache("The gateway's answer cache", (sp, o) =>
            (o.Configuration, o.InstanceName) = (sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionNames.Redis), ResponseCache.KeyPrefix));
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<GatewayForwarder>();
        services.AddSingleton<TaskTokenMeter>();
        // Upstream LLM calls: no retries (the gateway fails over itself, before the first byte only) and a timeout on
        // the answer's headers only (the endpoint's first-byte timeout, which the forwarder puts on each request: with
        // ResponseHeadersRead the pipeline ends when they are in); the body then takes as long as a long generation
        // legitimately does, as long as it keeps sending (the forwarder's StreamIdleTimeout), the caller's disconnect
        // cancels it. Endpoint URLs are real addresses, not service names, and the gateway's own span and metrics
        // record each call: no service discovery and no HttpClientFactory log scopes on the hot path. As a proxy it
        // relays redirects and cookies to its caller rather than follow or keep them (a cookie kept here would go
        // upstream with every other caller's requests); one long-lived connection pool, renewed every few minutes for
        // DNS changes, rather than the factory's handler rotation.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
        services.AddHttpClient(GatewayForwarder.UpstreamClient, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = sp.GetRequiredService<UpstreamAddresses>().ConnectAsync,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers()
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear())
            .RemoveAllLoggers()
            .AddResilienceHandler("first-byte", (pipeline, context) =>
            {
                var fallback = context.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.FirstByteTimeout;
                pipeline.AddTimeout(new TimeoutStrategyOptions
                {
                    TimeoutGenerator = args => ValueTask.FromResult(
                        args.Context.GetRequestMessage()?.Options.TryGetValue(GatewayForwarder.FirstByteTimeout, out var timeout) == true ? timeout : fallback),
                });
            });
#pragma warning restore EXTEXP0001
        return services;
    }
}
