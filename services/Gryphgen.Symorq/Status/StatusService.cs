using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Keys;
using Microsoft.AspNetCore.Authorization;

namespace Gryphgen.Symorq.Status;

/// <summary>
/// The public <c>Status</c> gRPC service (admin keys only: it names hosts, processes, the fabric's port and every
/// endpoint and worker).
/// </summary>
[Authorize(Policy = KeyScopes.Admin)]
public sealed class StatusService(SystemStatusCollector collector) : Contracts.Status.StatusBase
{
    public override Task<SystemStatus> GetStatus(GetStatusRequest request, ServerCallContext context) =>
        collector.CollectAsync(context.CancellationToken);
}
