namespace Gryphgen.Symorq.Gateway;

/// <summary>
/// SYMORQ's public API key (<c>Gryphgen:Gateway:ApiKey</c>), required as <c>Authorization: Bearer KEY</c> by every
/// gRPC service and HTTP route on the public ports by the authorization fallback policy: registered once here, so
/// what is added later is closed too. The AppHost always sets the key; SYMORQ does not start without one.
/// </summary>
public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string ConfigurationKey = GatewayOptions.Section + ":ApiKey";
    public const string Missing = "Incorrect or missing API key: send it as 'Authorization: Bearer <key>' (Gryphgen:Gateway:ApiKey).";

    public static WebApplicationBuilder AddApiKeyAuthentication(this WebApplicationBuilder builder) =>
        builder.AddBearerSecretAuthentication(Scheme, ConfigurationKey, "api-client", Missing,
            // OpenAI's shape and code, which OpenAI clients surface as a bad key; the task API's errors share it.
            (context, message) => new OpenAiError(StatusCodes.Status401Unauthorized, message, "invalid_request_error", Code: "invalid_api_key")
                .WriteAsync(context.Response));
}
