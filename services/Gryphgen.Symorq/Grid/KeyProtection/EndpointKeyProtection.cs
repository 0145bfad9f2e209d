using Gryphgen.Symorq.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid.KeyProtection;

/// <summary>
/// Upstream API keys of endpoints added at run time are stored encrypted with ASP.NET Core Data Protection. Its key
/// ring is kept in SYMORQ's PostgreSQL (so every replica reads the same ring under the same application name) and
/// is itself sealed with the deployment's <c>Gryphgen:Llm:KeyEncryptionSecret</c> (<see cref="KeyRingCipher"/>).
/// </summary>
public static class EndpointKeyProtection
{
    /// <summary>Fixed, not derived from the content root: replicas installed in different folders share one ring.</summary>
    public const string ApplicationName = "gryphgen-symorq";

    /// <summary>What the stored keys are protected for; another use of the ring cannot open them.</summary>
    public const string Purpose = "Gryphgen.Symorq.Grid.EndpointApiKey";

    public static IServiceCollection AddEndpointKeyProtection(this IServiceCollection services)
    {
        services.AddSingleton(sp => new KeyRingCipher(sp.GetRequiredService<IOptions<GridOptions>>().Value.KeyEncryptionSecret));
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToDbContext<OrchestratorDbContext>();
        services.AddOptions<KeyManagementOptions>().Configure<KeyRingCipher>((o, cipher) => o.XmlEncryptor = new KeyRingEncryptor(cipher));
        return services;
    }
}
