using Grpc.Net.Client;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Network;

namespace Gryphgen.Cli;

/// <summary>
/// Where SYMORQ's gRPC API is: <c>--url</c>, else <c>GRYPHGEN_URL</c>, else the AppHost's fixed local port.
/// </summary>
public static class GryphgenConnection
{
    public static readonly string DefaultUrl = GryphgenPorts.LocalGrpcUrl;
    public const string UrlVariable = "GRYPHGEN_URL";
    public const string ApiKeyVariable = "GRYPHGEN_API_KEY";
    public const string ApiKeyFileVariable = "GRYPHGEN_API_KEY_FILE";

    public static Uri ResolveUrl(string? option)
    {
        var text = option ?? Environment.GetEnvironmentVariable(UrlVariable) ?? DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new CliException($"'{text}' is not an http(s) URL (from {(option is null ? UrlVariable : "--url")})");
        return url;
    }

    /// <summary>Set from <c>--insecure</c>: the key may go over plain HTTP to a host that is not this machine.</summary>
    public static bool AllowPlainHttpKey { get; set; }

    /// <summary>
    /// A channel to SYMORQ that sends the API key (<see cref="ResolveApiKey"/>) as the bearer token: over https, or
    /// over plain http to this machine only, unless <c>--insecure</c> says otherwise; a bearer key read on the way is
    /// as good as the key.
    /// </summary>
    public static GrpcChannel OpenChannel(Uri url)
    {
        var key = ResolveApiKey();
        if (key is not null && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback && !AllowPlainHttpKey)
            throw new CliException($"refusing to send the API key over plain http to {url.Host}: use an https URL (see docs/security.md) or pass --insecure");
        return ApiKeyChannel.Open(url, key);
    }

    /// <summary>
    /// <c>$GRYPHGEN_API_KEY</c>, else the key file: <c>$GRYPHGEN_API_KEY_FILE</c>, else the one the AppHost writes
    /// in run mode under its default state folder, so that on the developer's machine the CLI needs no set-up.
    /// No key found: none is sent, and SYMORQ refuses with a message that says where the key is looked for.
    /// </summary>
    public static string? ResolveApiKey()
    {
        if (Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } key) return key;
        var file = KeyFile;
        try
        {
            return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the API key file '{file}' ({ex.Message}); set ${ApiKeyVariable} or ${ApiKeyFileVariable}");
        }
    }

    /// <summary>Where <see cref="ResolveApiKey"/> looks when <c>$GRYPHGEN_API_KEY</c> is not set.</summary>
    public static string KeyFile => Environment.GetEnvironmentVariable(ApiKeyFileVariable) is { Length: > 0 } file
        ? file
        : StateFolder.ApiKeyFile(StateFolder.Default);
}
