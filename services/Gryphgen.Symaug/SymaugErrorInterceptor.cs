using Grpc.Core;
using Gryphgen.ServiceDefaults.Errors;
using Gryphgen.Symaug.Workspaces;

namespace Gryphgen.Symaug;

/// <summary>SYMAUG's refusals (workspaces, sandbox, seeds, capacity) as gRPC statuses, for every call it serves.</summary>
public sealed class SymaugErrorInterceptor : StatusMappingInterceptor
{
    protected override Status? ToStatus(Exception ex) => ex switch
    {
        WorkspaceInputException => new Status(StatusCode.InvalidArgument, ex.Message),
        WorkspaceNotFoundException => new Status(StatusCode.NotFound, ex.Message),
        SandboxUnavailableException => new Status(StatusCode.FailedPrecondition, ex.Message),
        WorkspaceArchivedException => new Status(StatusCode.FailedPrecondition, ex.Message),
        SeedIntegrityException => new Status(StatusCode.DataLoss, ex.Message),
        WorkspaceCapacityException => new Status(StatusCode.ResourceExhausted, ex.Message),
        StaleFenceException => new Status(StatusCode.Aborted, ex.Message),
        WorkspaceConflictException => new Status(StatusCode.AlreadyExists, ex.Message),
        _ => null,
    };
}
