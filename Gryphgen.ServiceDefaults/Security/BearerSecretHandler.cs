using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gryphgen.ServiceDefaults.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer SECRET</c> against one configured secret. A refused gRPC call gets a
/// proper gRPC status (UNAUTHENTICATED, trailers only) rather than a bare HTTP 401 that clients report as a
/// transport error; a refused HTTP request gets a 401 in the service's own error shape.
/// </summary>
public sealed class BearerSecretHandler(IOptionsMonitor<BearerSecretOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<BearerSecretOptions>(options, logger, encoder)
{
    private const string Prefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        if (Options.Secret is null || !Options.Secret.Matches(header[Prefix.Length..].Trim()))
            return Task.FromResult(AuthenticateResult.Fail("the bearer secret does not match"));

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, Options.ClientName)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // A trailers-only gRPC response: HTTP 200 with the status in the headers, as the gRPC protocol has it.
            Response.StatusCode = StatusCodes.Status200OK;
            Response.ContentType = Request.ContentType;
            Response.Headers["grpc-status"] = "16"; // UNAUTHENTICATED
            Response.Headers["grpc-message"] = Uri.EscapeDataString(Options.RefusalMessage);
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        if (Options.WriteHttpRefusal is { } write) await write(Context, Options.RefusalMessage);
    }
}
