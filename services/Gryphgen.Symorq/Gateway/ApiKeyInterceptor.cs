using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Gateway;

/// <summary>The API key check (<see cref="ApiKeyCheck"/>) for gRPC services of the public API: UNAUTHENTICATED without it.</summary>
public sealed class ApiKeyInterceptor(IOptions<GatewayOptions> options) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (!ApiKeyCheck.Accepts(options.Value.ApiKey, context.RequestHeaders.GetValue("authorization")))
            throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, ApiKeyCheck.Missing));
    }
}
