using Grpc.Net.ClientFactory;
using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Status;

/// <summary>Asks an internal service (SYMORG, SYMAUG) over gRPC what it owns and whether it is healthy.</summary>
public sealed class DownstreamServiceProbe(string service, GrpcClientFactory clients) : IComponentProbe
{
    /// <summary>The services asked, by their AppHost resource names.</summary>
    public static readonly string[] Services = ["symorg", "symaug"];

    public string Name => service;

    public string Kind => "service";

    public async Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken)
    {
        var client = clients.CreateClient<ComponentInfo.ComponentInfoClient>(service);
        var reply = await client.DescribeAsync(new DescribeRequest(), cancellationToken: cancellationToken);
        return reply.Components;
    }
}
