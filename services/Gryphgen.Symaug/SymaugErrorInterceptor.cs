using Grpc.Core;
using Gryphgen.ServiceDefaults.Errors;
using Gryphgen.Symaug.Workspaces;

namespace Gryphgen.Symaug;

/// <summary>
/// SYMAUG's refusals (workspaces, sandbox, seeds, capacity) as gRPC statuses, for every call it serves. A full disk is
/// UNAVAILABLE, whether refused at the floor or met by a write or a git commit that failed on it: the host is out of
/// room for now, and its callers wait for it as for any outage.
/// </summary>
public sealed class SymaugErrorInterceptor(DiskFloor floor) : StatusMappingInterceptor
{
    protected override Status? ToStatus(Exception ex) => ex switch
    {
        DiskFullException => new Status(StatusCode.Unavailable, ex.Message),
        WorkspaceInputException => new Status(StatusCode.InvalidArgument, ex.Message),
        WorkspaceNotFoundException => new Status(StatusCode.NotFound, ex.Message),
        SandboxUnavailableException => new Status(StatusCode.FailedPrecondition, ex.Message),
        WorkspaceArchivedException => new Status(StatusCode.FailedPrecondition, ex.Message),
        SeedIntegrityException => new Status(StatusCode.DataLoss, ex.Message),
        WorkspaceCapacityException => new Status(StatusCode.ResourceExhausted, ex.Message),
        StaleFenceException => new Status(StatusCode.Aborted, ex.Message),
        WorkspaceConflictException => new Status(StatusCode.AlreadyExists, ex.Message),
        _ when floor.Breach() is { } breach => new Status(StatusCode.Unavailable, $"the disk is full ({breach}): {ex.Message}"),
        _ => null,
    };
}
