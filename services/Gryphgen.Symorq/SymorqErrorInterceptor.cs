using Grpc.Core;
using Gryphgen.ServiceDefaults.Errors;
using Gryphgen.Symorq.Missions;

namespace Gryphgen.Symorq;

/// <summary>SYMORQ's refusals as gRPC statuses, for every service and call shape it serves.</summary>
public sealed class SymorqErrorInterceptor : StatusMappingInterceptor
{
    protected override Grpc.Core.Status? ToStatus(Exception ex) => ex switch
    {
        TaskSpecException => new Grpc.Core.Status(StatusCode.InvalidArgument, ex.Message),
        TaskApiException api => new Grpc.Core.Status(api.Error switch
        {
            TaskApiError.NotFound or TaskApiError.Gone => StatusCode.NotFound,
            TaskApiError.Invalid => StatusCode.InvalidArgument,
            TaskApiError.TooMany => StatusCode.ResourceExhausted,
            // Not ready, unavailable: SYMORQ answered, so it is the task or the system that is not ready, not the
            // network (UNAVAILABLE would send a client looking for a server that is there).
            _ => StatusCode.FailedPrecondition,
        }, ex.Message),
        _ => null,
    };
}
