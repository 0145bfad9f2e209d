using System.Security.Claims;
using System.Text.Encodings.Web;
using Gryphgen.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// SYMORQ's public API keys: the configured bootstrap key or an active key of the <see cref="KeyRing"/>. The
/// principal carries the key's name (<see cref="ClaimTypes.Name"/>), its scope (<see cref="ClaimTypes.Role"/>) and the
/// collections it may search (<see cref="ApiCaller.CollectionClaim"/>).
/// </summary>
public sealed class ApiKeyHandler(IOptionsMonitor<BearerSecretOptions> options, ILoggerFactory logger, UrlEncoder encoder, KeyRing ring)
    : BearerSecretHandler(options, logger, encoder)
{
    protected override ClaimsIdentity? Identify(string presented)
    {
        var key = Options.Secret!.Matches(presented) ? KeyRing.Bootstrap : ring.Find(presented);
        return key is null ? null
            : new ClaimsIdentity([new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Scope),
                    .. key.Collections.Select(c => new Claim(ApiCaller.CollectionClaim, c))],
                Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
    }
}
