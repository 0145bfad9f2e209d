using Grpc.Core;
using Grpc.Net.Client;

namespace Gryphgen.Contracts;

/// <summary>A gRPC channel to SYMORQ's public API that sends its API key as <c>authorization: Bearer KEY</c> on every call.</summary>
public static class ApiKeyChannel
{
    /// <summary>With no key, a plain channel: SYMORQ then asks for none, or refuses with UNAUTHENTICATED.</summary>
    public static GrpcChannel Open(Uri url, string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey)) return GrpcChannel.ForAddress(url);
        var bearer = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {apiKey}");
            return Task.CompletedTask;
        });
        // A local SYMORQ speaks plain HTTP/2; the key is still the caller's to send there.
        return GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(url.Scheme == "https" ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, bearer),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }
}
