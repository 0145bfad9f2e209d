using Grpc.Core;
using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Status;

/// <summary>The public <c>Status</c> gRPC service.</summary>
public sealed class StatusService(SystemStatusCollector collector) : Contracts.Status.StatusBase
{
    public override Task<SystemStatus> GetStatus(GetStatusRequest request, ServerCallContext context) =>
        collector.CollectAsync(context.CancellationToken);
}
