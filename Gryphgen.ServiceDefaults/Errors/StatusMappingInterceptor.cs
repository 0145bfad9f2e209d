using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Gryphgen.ServiceDefaults.Errors;

/// <summary>
/// Turns a service's own refusals (its exception types) into gRPC statuses with their messages, for every call shape
/// (unary, client, server and duplex streaming); anything it does not map stays an internal error. A service
/// registers its one subclass for all its services.
/// </summary>
public abstract class StatusMappingInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        MappedAsync(() => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        MappedAsync(() => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        MappedAsync(async () => { await continuation(request, responseStream, context); return true; });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        MappedAsync(async () => { await continuation(requestStream, responseStream, context); return true; });

    /// <summary>The status for one of the service's exceptions; null for anything else.</summary>
    protected abstract Grpc.Core.Status? ToStatus(Exception exception);

    private async Task<T> MappedAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ToStatus(ex) is { } status)
        {
            throw new RpcException(status);
        }
    }
}
