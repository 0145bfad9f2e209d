using Gryphgen.Symorq.Keys;

namespace Gryphgen.Symorq.Gateway;

/// <summary>
/// SYMORQ's public API keys, required as <c>Authorization: Bearer KEY</c> by every gRPC service and HTTP route on the
/// public ports by the authorization fallback policy: registered once here, so what is added later is closed too.
/// The configured key (<c>Gryphgen:Gateway:ApiKey</c>, which the AppHost always sets; SYMORQ does not start without
/// one) is the bootstrap admin key; more come from <c>gryphgen keys create</c> (<see cref="KeyRing"/>). The
/// <see cref="KeyScopes.Admin"/> policy, carried by the admin-only services and methods, requires an admin key.
/// </summary>
public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string ConfigurationKey = GatewayOptions.Section + ":ApiKey";
    public const string Missing = "Incorrect or missing API key: send it as 'Authorization: Bearer <key>' (Gryphgen:Gateway:ApiKey).";
    public const string NotAdmin = "this call needs an admin key; a user key reaches only its own tasks, knowledge search and the gateway";

    public static WebApplicationBuilder AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyRing>());
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped(sp => ApiCaller.From(sp.GetRequiredService<IHttpContextAccessor>().HttpContext!.User));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(KeyScopes.Admin, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(KeyScopes.Admin));
        return builder.AddBearerSecretAuthentication<WebApplicationBuilder, ApiKeyHandler>(Scheme, ConfigurationKey, KeyRing.BootstrapName, Missing,
            o =>
            {
                o.ForbiddenMessage = NotAdmin;
                // OpenAI's shape and codes, which OpenAI clients surface as a bad key; the task API's errors share it.
                o.WriteHttpRefusal = (context, status, message) => new OpenAiError(status, message,
                        status == StatusCodes.Status401Unauthorized ? "invalid_request_error" : "permission_error",
                        Code: status == StatusCodes.Status401Unauthorized ? "invalid_api_key" : "insufficient_scope")
                    .WriteAsync(context.Response);
            });
    }
}
