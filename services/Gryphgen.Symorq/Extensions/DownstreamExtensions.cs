using Gryphgen.Contracts;
using Gryphgen.Symorq.Downstream;
using Gryphgen.Symorq.Status;

namespace Gryphgen.Symorq.Extensions;

/// <summary>SYMORQ's clients of SYMORG and SYMAUG, each carrying the internal credential and a default deadline.</summary>
public static class DownstreamExtensions
{
    public static IServiceCollection AddDownstreamClients(this IServiceCollection services)
    {
        services.AddOptions<DownstreamOptions>().BindConfiguration(DownstreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DownstreamDeadlines>();
        foreach (var service in DownstreamServiceProbe.Services)
        {
            services.AddGrpcClient<ComponentInfo.ComponentInfoClient>(service, o => o.Address = new Uri($"http://_grpc.{service}")).AddInternalCredential()
                .AddInterceptor<DownstreamDeadlines>();
        }
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
        // Ingestion runs as long as the upload and the embedding take, up to its deadline (DownstreamDeadlines): no
        // attempt timeout, no retries of a half-sent stream.
        services.AddGrpcClient<Contracts.Knowledge.KnowledgeClient>(o => o.Address = new Uri("http://_grpc.symorg"))
            .AddInternalCredential()
            .AddInterceptor<DownstreamDeadlines>()
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers();
        // Workspace calls run as long as the acceptance tests do, up to their deadline; the workflow bounds them too.
        services.AddGrpcClient<Workspaces.WorkspacesClient>(o => o.Address = new Uri("http://_grpc.symaug"))
            .AddInternalCredential()
            .AddInterceptor<DownstreamDeadlines>()
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return services;
    }
}
