using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Gryphgen.ServiceDefaults.Errors;

/// <summary>
/// Turns a service's own refusals (its exception types) into gRPC statuses with their messages, for unary and
/// server-streaming calls; anything it does not map stays an internal error.
/// </summary>
public abstract class StatusMappingInterceptor : Interceptor
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

    /// <summary>The status for one of the service's exceptions; null for anything else.</summary>
    protected abstract Grpc.Core.Status? ToStatus(Exception exception);
}
