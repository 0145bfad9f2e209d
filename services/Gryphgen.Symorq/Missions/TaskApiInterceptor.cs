using Grpc.Core;
using Gryphgen.Contracts.Errors;

namespace Gryphgen.Symorq.Missions;

/// <summary>The task API's refusals as gRPC statuses.</summary>
public sealed class TaskApiInterceptor : StatusMappingInterceptor
{
    protected override Grpc.Core.Status? ToStatus(Exception ex) => ex switch
    {
        TaskSpecException => new Grpc.Core.Status(StatusCode.InvalidArgument, ex.Message),
        TaskApiException api => new Grpc.Core.Status(api.Error switch
        {
            TaskApiError.NotFound => StatusCode.NotFound,
            TaskApiError.Invalid => StatusCode.InvalidArgument,
            TaskApiError.NotReady => StatusCode.FailedPrecondition,
            _ => StatusCode.Unavailable,
        }, ex.Message),
        _ => null,
    };
}
