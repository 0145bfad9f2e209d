using Gryphgen.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Deny by default: a service accepts one bearer secret, and the authorization fallback policy requires it of
/// every endpoint that does not say otherwise, so a gRPC service or HTTP route added later is closed without anyone
/// remembering to close it. Only <c>/health</c> and <c>/alive</c> (<see cref="Extensions.MapDefaultEndpoints"/>)
/// are anonymous. A service without the secret configured does not start: there is no open mode.
/// </summary>
public static class BearerSecretAuthentication
{
    public static TBuilder AddBearerSecretAuthentication<TBuilder>(this TBuilder builder, string scheme, string configurationKey,
        string clientName, string refusalMessage)
        where TBuilder : IHostApplicationBuilder =>
        builder.AddBearerSecretAuthentication<TBuilder, BearerSecretHandler>(scheme, configurationKey, clientName, refusalMessage);

    /// <summary>
    /// As above with a handler of the service's own that knows more secrets than the configured one
    /// (<see cref="BearerSecretHandler"/>); <paramref name="configure"/> sets the refusals' shape.
    /// </summary>
    public static TBuilder AddBearerSecretAuthentication<TBuilder, THandler>(this TBuilder builder, string scheme, string configurationKey,
        string clientName, string refusalMessage, Action<BearerSecretOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder where THandler : BearerSecretHandler
    {
        builder.Services.AddAuthentication(scheme).AddScheme<BearerSecretOptions, THandler>(scheme, _ => { });
        builder.Services.AddOptions<BearerSecretOptions>(scheme)
            .Configure<IConfiguration>((o, configuration) =>
            {
                var secret = configuration[configurationKey];
                o.ConfigurationKey = configurationKey;
                o.Secret = string.IsNullOrEmpty(secret) ? null : new SecretDigest(secret);
                o.ClientName = clientName;
                o.RefusalMessage = refusalMessage;
                configure?.Invoke(o);
            })
            .Validate(o => o.Secret is not null, $"{configurationKey} is not set: this service accepts no caller without it and does not start (the AppHost always sets it)")
            .ValidateOnStart();
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(scheme).RequireAuthenticatedUser().Build());
        return builder;
    }

    /// <summary>
    /// SYMORG and SYMAUG: only SYMORQ, holding the per-deployment internal credential
    /// (<see cref="InternalCredential.ConfigurationKey"/>), may call them.
    /// </summary>
    public static TBuilder AddInternalAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder =>
        builder.AddBearerSecretAuthentication(InternalCredential.Scheme, InternalCredential.ConfigurationKey, "symorq",
            $"this service answers only SYMORQ: send the internal credential ({InternalCredential.ConfigurationKey}) as 'Authorization: Bearer <credential>'");

    /// <summary>SYMORQ's clients of SYMORG and SYMAUG: every call carries the internal credential.</summary>
    public static IHttpClientBuilder AddInternalCredential(this IHttpClientBuilder client)
    {
        client.Services.AddOptions<InternalCredentialOptions>().BindConfiguration(InternalCredentialOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        return client.AddHttpMessageHandler(services =>
            new InternalCredential(services.GetRequiredService<IOptions<InternalCredentialOptions>>().Value.Credential));
    }
}
