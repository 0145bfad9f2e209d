using Grpc.Core;
using Grpc.Net.Client;

namespace Gryphgen.Contracts;

/// <summary>
/// A gRPC channel that sends a bearer secret as <c>authorization: Bearer KEY</c> on every call: SYMORQ's API key to
/// its public API, or (in tests) the internal credential to SYMORG and SYMAUG.
/// </summary>
public static class ApiKeyChannel
{
    /// <summary>With no key, a plain channel, which the services refuse with UNAUTHENTICATED.</summary>
    public static GrpcChannel Open(Uri url, string? apiKey, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        if (string.IsNullOrEmpty(apiKey)) return GrpcChannel.ForAddress(url, options);
        var bearer = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {apiKey}");
            return Task.CompletedTask;
        });
        // A local SYMORQ speaks plain HTTP/2; the key is still the caller's to send there.
        options.Credentials = ChannelCredentials.Create(url.Scheme == "https" ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, bearer);
        options.UnsafeUseInsecureChannelCallCredentials = true;
        return GrpcChannel.ForAddress(url, options);
    }
}
