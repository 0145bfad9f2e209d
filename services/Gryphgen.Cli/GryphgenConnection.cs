using Grpc.Net.Client;
using Gryphgen.Contracts;

namespace Gryphgen.Cli;

/// <summary>
/// Where SYMORQ's gRPC API is: <c>--url</c>, else <c>GRYPHGEN_URL</c>, else the AppHost's fixed local port.
/// </summary>
public static class GryphgenConnection
{
    public const string DefaultUrl = "http://localhost:5081";
    public const string UrlVariable = "GRYPHGEN_URL";
    public const string ApiKeyVariable = "GRYPHGEN_API_KEY";

    public static Uri ResolveUrl(string? option)
    {
        var text = option ?? Environment.GetEnvironmentVariable(UrlVariable) ?? DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new CliException($"'{text}' is not an http(s) URL (from {(option is null ? UrlVariable : "--url")})");
        return url;
    }

    /// <summary>A channel to SYMORQ that sends <c>$GRYPHGEN_API_KEY</c> as the bearer token when it is set.</summary>
    public static GrpcChannel OpenChannel(Uri url) => ApiKeyChannel.Open(url, Environment.GetEnvironmentVariable(ApiKeyVariable));
}
