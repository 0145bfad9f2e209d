using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;

namespace Gryphgen.ServiceDefaults.Security;

/// <summary>
/// The per-deployment secret that SYMORQ presents to SYMORG and SYMAUG, which accept no other caller. The AppHost
/// generates it (a secret parameter) and hands it to those three services only.
/// </summary>
public sealed class InternalCredential(string credential) : DelegatingHandler
{
    public const string Scheme = "InternalCredential";
    public const string ConfigurationKey = InternalCredentialOptions.Section + ":Credential";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The internal credential as the caller (SYMORQ) reads it; SYMORQ does not start without it.</summary>
public sealed class InternalCredentialOptions
{
    public const string Section = "Gryphgen:Internal";

    [Required(ErrorMessage = "Gryphgen:Internal:Credential is not set: SYMORG and SYMAUG refuse every call without it (the AppHost always sets it)")]
    public string Credential { get; set; } = "";
}
