using Gryphgen.Symorq.Grid.Gateway;
using Microsoft.AspNetCore.Authorization;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// SYMORQ's public API keys, required as <c>Authorization: Bearer KEY</c> by every gRPC service and HTTP route on the
/// public ports by the authorization fallback policy: registered once here, so what is added later is closed too.
/// The configured key (<c>Gryphgen:Gateway:ApiKey</c>, which the AppHost always sets; SYMORQ does not start without
/// one) is the bootstrap admin key; <c>Gryphgen:Gateway:AgentKey</c> the local agents' key; more come from
/// <c>gryphgen keys create</c> (<see cref="KeyRing"/>). The fallback (and default) policy requires a user or admin
/// key, so an agent key reaches nothing but what opts in: the gateway's routes, which carry the
/// <see cref="KeyScopes.Gateway"/> policy (<see cref="GatewayEndpoints"/>). The <see cref="KeyScopes.Admin"/>
/// policy, carried by the admin-only services and methods, requires an admin key.
/// </summary>
public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string ConfigurationKey = GatewayOptions.Section + ":ApiKey";
    public const string Missing = "Incorrect or missing API key: send it as 'Authorization: Bearer <key>' (Gryphgen:Gateway:ApiKey).";
    public const string NotAllowed = "this call needs a key of a wider scope: an admin key reaches everything, a user key its own tasks, " +
        "knowledge search and the gateway, an agent key only the gateway (/v1)";

    public static WebApplicationBuilder AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyRing>());
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped(sp => ApiCaller.From(sp.GetRequiredService<IHttpContextAccessor>().HttpContext!.User));
        builder.AddBearerSecretAuthentication<WebApplicationBuilder, ApiKeyHandler>(Scheme, ConfigurationKey, KeyRing.BootstrapName, Missing,
            o =>
            {
                o.ForbiddenMessage = NotAllowed;
                // OpenAI's shape and codes, which OpenAI clients surface as a bad key; the task API's errors share it.
                o.WriteHttpRefusal = (context, status, message) => new OpenAiError(status, message,
                        status == StatusCodes.Status401Unauthorized ? "invalid_request_error" : "permission_error",
                        Code: status == StatusCodes.Status401Unauthorized ? "invalid_api_key" : "insufficient_scope")
                    .WriteAsync(context.Response);
            });
        // Registered after the shared deny-by-default fallback (any authenticated caller), which this narrows.
        var userOrAdmin = Policy(KeyScopes.User, KeyScopes.Admin);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(userOrAdmin)
            .SetDefaultPolicy(userOrAdmin)
            .AddPolicy(KeyScopes.Admin, Policy(KeyScopes.Admin))
            .AddPolicy(KeyScopes.Gateway, Policy(KeyScopes.User, KeyScopes.Admin, KeyScopes.Agent));
        return builder;
    }

    private static AuthorizationPolicy Policy(params string[] scopes) =>
        new AuthorizationPolicyBuilder(Scheme).RequireRole(scopes).Build();
}
