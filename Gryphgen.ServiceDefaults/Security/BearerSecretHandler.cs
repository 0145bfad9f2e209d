using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gryphgen.ServiceDefaults.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer SECRET</c> against one configured secret (a derived handler may know more
/// secrets: <see cref="Identify"/>). A refused gRPC call gets a proper gRPC status (UNAUTHENTICATED, or
/// PERMISSION_DENIED when an authenticated caller lacks what a policy requires; trailers only) rather than a bare
/// HTTP 401/403 that clients report as a transport error; a refused HTTP request gets a 401/403 in the service's own
/// error shape.
/// </summary>
public class BearerSecretHandler(IOptionsMonitor<BearerSecretOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<BearerSecretOptions>(options, logger, encoder)
{
    private const string Prefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        if (Identify(header[Prefix.Length..].Trim()) is not { } identity)
            return Task.FromResult(AuthenticateResult.Fail("the bearer secret does not match"));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <summary>Who holds <paramref name="presented"/>; null when nobody does.</summary>
    protected virtual ClaimsIdentity? Identify(string presented) =>
        Options.Secret is not null && Options.Secret.Matches(presented)
            ? new ClaimsIdentity([new Claim(ClaimTypes.Name, Options.ClientName)], Scheme.Name)
            : null;

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        RefuseAsync(StatusCodes.Status401Unauthorized, "16", Options.RefusalMessage); // UNAUTHENTICATED

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        RefuseAsync(StatusCodes.Status403Forbidden, "7", Options.ForbiddenMessage); // PERMISSION_DENIED

    private async Task RefuseAsync(int httpStatus, string grpcStatus, string message)
    {
        if (Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // A trailers-only gRPC response: HTTP 200 with the status in the headers, as the gRPC protocol has it.
            Response.StatusCode = StatusCodes.Status200OK;
            Response.ContentType = Request.ContentType;
            Response.Headers["grpc-status"] = grpcStatus;
            Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return;
        }
        Response.StatusCode = httpStatus;
        if (httpStatus == StatusCodes.Status401Unauthorized) Response.Headers.WWWAuthenticate = "Bearer";
        if (Options.WriteHttpRefusal is { } write) await write(Context, httpStatus, message);
    }
}
