using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>Turns the workspace layer's refusals into gRPC status codes with their messages.</summary>
public sealed class WorkspaceErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ToStatus(ex) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ToStatus(ex) is { } status)
        {
            throw new RpcException(status);
        }
    }

    private static Status? ToStatus(Exception ex) => ex switch
    {
        WorkspaceInputException => new Status(StatusCode.InvalidArgument, ex.Message),
        WorkspaceNotFoundException => new Status(StatusCode.NotFound, ex.Message),
        SandboxUnavailableException => new Status(StatusCode.FailedPrecondition, ex.Message),
        _ => null,
    };
}
