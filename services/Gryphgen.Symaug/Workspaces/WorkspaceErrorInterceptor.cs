using Grpc.Core;
using Gryphgen.ServiceDefaults.Errors;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>Turns the workspace layer's refusals into gRPC status codes with their messages.</summary>
public sealed class WorkspaceErrorInterceptor : StatusMappingInterceptor
{
    protected override Status? ToStatus(Exception ex) => ex switch
    {
        WorkspaceInputException => new Status(StatusCode.InvalidArgument, ex.Message),
        WorkspaceNotFoundException => new Status(StatusCode.NotFound, ex.Message),
        SandboxUnavailableException => new Status(StatusCode.FailedPrecondition, ex.Message),
        SeedIntegrityException => new Status(StatusCode.DataLoss, ex.Message),
        WorkspaceCapacityException => new Status(StatusCode.ResourceExhausted, ex.Message),
        _ => null,
    };
}
