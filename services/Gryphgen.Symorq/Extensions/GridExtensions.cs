using Gryphgen.Contracts.Network;
using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Grid.Endpoints;
using Gryphgen.Symorq.Grid.KeyProtection;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Extensions;

/// <summary>The LLM grid: its endpoints, where they are kept, how they are probed and how their slots are shared.</summary>
public static class GridExtensions
{
    public static IServiceCollection AddLlmGrid(this IServiceCollection services)
    {
        services.AddOptions<GridOptions>().BindConfiguration(GridOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<GridOptions>, ConfiguredEndpointsValidation>();
        services.AddSingleton<IValidateOptions<GridOptions>, MovedGridSettings>();
        services.AddSingleton<EndpointRegistry>();
        services.AddSingleton<SharedSlotLedger>();
        services.AddHostedService(sp => sp.GetRequiredService<SharedSlotLedger>());
        services.AddSingleton<GridScheduler>();
        services.AddEndpointKeyProtection();
        services.AddSingleton<EndpointStore>();
        services.AddHostedService(sp => sp.GetRequiredService<EndpointStore>());
        services.AddHostedService<EndpointProber>();
        // Probes and upstream requests connect only where UpstreamAddresses allows, checked on the address connected to.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<GridOptions>>().Value.UpstreamAddresses());
        // A probe wants one honest, quick answer about the endpoint as it is now, not retries that hide it.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
        services.AddHttpClient<LlmEndpointProbe>((sp, http) =>
            {
                http.Timeout = sp.GetRequiredService<IOptions<GridOptions>>().Value.ProbeTimeout;
                http.MaxResponseContentBufferSize = sp.GetRequiredService<IOptions<GridOptions>>().Value.MaxProbeResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, ConnectCallback = sp.GetRequiredService<UpstreamAddresses>().ConnectAsync,
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return services;
    }
}
