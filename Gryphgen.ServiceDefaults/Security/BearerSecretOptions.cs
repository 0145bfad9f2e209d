using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Gryphgen.ServiceDefaults.Security;

/// <summary>One bearer secret that a service accepts (<see cref="BearerSecretHandler"/>).</summary>
public sealed class BearerSecretOptions : AuthenticationSchemeOptions
{
    /// <summary>The configuration key the secret is read from, named in refusals and in the start-up error.</summary>
    public string ConfigurationKey { get; set; } = "";

    /// <summary>The secret's digest; null when the configuration key is empty, and then the service does not start.</summary>
    public SecretDigest? Secret { get; set; }

    /// <summary>Who a caller holding the secret is (the principal's name), e.g. <c>api-client</c> or <c>symorq</c>.</summary>
    public string ClientName { get; set; } = "";

    /// <summary>The one message a refused caller gets: what to send, never anything about the secret.</summary>
    public string RefusalMessage { get; set; } = "";

    /// <summary>What an authenticated caller gets when a policy asks for more than it holds (e.g. an admin scope).</summary>
    public string ForbiddenMessage { get; set; } = "this caller may not make this call";

    /// <summary>
    /// Writes the 401 or 403 (the status given) of a refused HTTP (not gRPC) request in the service's own error
    /// shape; null: an empty response.
    /// </summary>
    public Func<HttpContext, int, string, Task>? WriteHttpRefusal { get; set; }
}
