using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Gryphgen.Testing;

/// <summary>
/// Calls every method of gRPC services, as their generated descriptors list them (so a method added later is
/// called too), each with an empty message, and returns the status each ended with.
/// </summary>
public static class EveryRpc
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    public static async Task<IReadOnlyList<(string Method, StatusCode Status)>> CallAsync(CallInvoker invoker, params ServiceDescriptor[] services)
    {
        var results = new List<(string, StatusCode)>();
        foreach (var service in services)
        foreach (var method in service.Methods)
            results.Add(($"{service.FullName}/{method.Name}", await StatusOfAsync(invoker, service, method)));
        return results;
    }

    private static async Task<StatusCode> StatusOfAsync(CallInvoker invoker, ServiceDescriptor service, MethodDescriptor method)
    {
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        var rpc = new Method<byte[], byte[]>(type, service.FullName, method.Name, Raw, Raw);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddMinutes(1));
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(rpc, null, options, []);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(rpc, null, options, []))
                        while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(rpc, null, options))
                    {
                        await CompleteQuietly(call.RequestStream);
                        await call.ResponseAsync;
                    }
                    break;
                default:
                    using (var call = invoker.AsyncDuplexStreamingCall(rpc, null, options))
                    {
                        await CompleteQuietly(call.RequestStream);
                        while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                    }
                    break;
            }
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    /// <summary>Ends the request stream; a server that already refused the call makes this fail, and its status is the answer.</summary>
    private static async Task CompleteQuietly(IClientStreamWriter<byte[]> requests)
    {
        try { await requests.CompleteAsync(); }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException) { }
    }
}
