using Grpc.Core;
using Grpc.Core.Interceptors;
using Gryphgen.Contracts;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Downstream;

/// <summary>
/// Gives every call to SYMORG and SYMAUG that carries no deadline of its own the default one of
/// <see cref="DownstreamOptions"/>: <see cref="DownstreamOptions.LongCallTimeout"/> for the methods that run generated
/// code or move a whole project, <see cref="DownstreamOptions.CallTimeout"/> for the rest. A forwarded call keeps its
/// caller's deadline.
/// </summary>
public sealed class DownstreamDeadlines(IOptions<DownstreamOptions> options, TimeProvider time) : Interceptor
{
    private static readonly HashSet<string> LongMethods =
    [
        .. Named(Workspaces.Descriptor, "Run", "Test", "Checkpoint", "Export", "Archive"),
        .. Named(Contracts.Knowledge.Descriptor, "IngestPath", "IngestArchive"),
    ];

    /// <summary>The methods' keys as <see cref="Key"/> makes them; a method renamed in the proto fails here, at start.</summary>
    private static IEnumerable<string> Named(Google.Protobuf.Reflection.ServiceDescriptor service, params string[] methods) =>
        methods.Select(m => service.FindMethodByName(m) is null
            ? throw new InvalidOperationException($"{service.FullName} has no method {m}")
            : $"{service.FullName}/{m}");

    private static string Key(IMethod method) => $"{method.ServiceName}/{method.Name}";

    private ClientInterceptorContext<TRequest, TResponse> Bounded<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class
    {
        if (context.Options.Deadline is not null) return context;
        var timeout = LongMethods.Contains(Key(context.Method)) ? options.Value.LongCallTimeout : options.Value.CallTimeout;
        return new(context.Method, context.Host, context.Options.WithDeadline(time.GetUtcNow().UtcDateTime + timeout));
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Bounded(context));

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Bounded(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Bounded(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Bounded(context));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Bounded(context));
}
