using System.Runtime.Versioning;
using Gryphgen.AppHost.Configuration;
using Gryphgen.Contracts;

namespace Gryphgen.AppHost;

/// <summary>
/// The secrets that close GRYPHGEN's doors, always present: the public API key SYMORQ requires of every caller, the
/// local agents' gateway key, the internal credential SYMORG and SYMAUG require of SYMORQ, and the secret that seals
/// the key ring under which SYMORQ stores endpoints' API keys. None has an empty or open default.
/// </summary>
public static class DeploymentSecrets
{
    public const string InternalCredentialParameter = "gryphgen-internal-credential";
    public const string AgentKeyParameter = "gryphgen-agent-key";

    public const string KeyEncryptionSecretParameter = "gryphgen-key-encryption-secret";

    /// <summary>Generated values: 32 letters and digits (about 190 bits), safe in a header and on a command line.</summary>
    private static GenerateParameterDefault Generated => new() { MinLength = 32, Special = false };

    /// <summary>
    /// The configured parameter (<c>Gryphgen:ApiKeyParameter</c>), else a generated one, kept across runs in user
    /// secrets. In run mode the AppHost also writes it to <see cref="StateFolder.ApiKeyFile"/> (mode 600), where
    /// the CLI on this machine reads it when <c>GRYPHGEN_API_KEY</c> is not set.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddApiKey(this IDistributedApplicationBuilder builder, GryphgenSettings settings)
    {
        var apiKey = settings.ApiKeyParameter.Length > 0
            ? builder.AddParameter(settings.ApiKeyParameter, secret: true)
            : builder.AddParameter(GryphgenSettings.GeneratedApiKeyParameter, Generated, secret: true, persist: true);
        if (builder.ExecutionContext.IsRunMode && !OperatingSystem.IsWindows()) WriteForTheCli(builder, apiKey, settings.StateDirectory);
        return apiKey;
    }

    [UnsupportedOSPlatform("windows")]
    private static void WriteForTheCli(IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> apiKey, string stateDirectory) =>
        builder.Eventing.Subscribe<BeforeStartEvent>(async (_, ct) =>
            StateSecrets.Write(stateDirectory, StateFolder.ApiKeyFileName, await apiKey.Resource.GetValueAsync(ct) ?? ""));

    /// <summary>A fresh credential per deployment (per run, in run mode): only the AppHost and the three services know it.</summary>
    public static IResourceBuilder<ParameterResource> AddInternalCredential(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(InternalCredentialParameter, Generated, secret: true);

    /// <summary>
    /// The agent processes' key to SYMORQ's gateway, fresh per deployment like the internal credential: of scope
    /// agent, it reaches the gateway (/v1) and nothing else, so an agent holds no admin key.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddAgentKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(AgentKeyParameter, Generated, secret: true);

    /// <summary>
    /// Generated once and kept across runs in user secrets (a deployment keeps it as its secret input): the endpoint
    /// keys stored in PostgreSQL open only with it, so it must outlive every run, and it is never in the database.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddKeyEncryptionSecret(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(KeyEncryptionSecretParameter, Generated, secret: true, persist: true);
}
