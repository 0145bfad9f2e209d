using Grpc.Net.Client;
using Gryphgen.Contracts;

namespace Gryphgen.Testing;

/// <summary>SYMORQ as its own process in front of real llama-servers, configured as the AppHost would configure it.</summary>
public static class GridProcesses
{
    /// <summary>The public API key SYMORQ is given here (it does not start without one); every client here sends it.</summary>
    public const string ApiKey = "grid-test-key";

    /// <summary>The configured agent key (Gryphgen:Gateway:AgentKey, scope agent), as the AppHost gives the agents one.</summary>
    public const string AgentKey = "grid-agent-key";

    /// <summary>The internal credential SYMORQ presents to SYMORG and SYMAUG, which refuse any caller without it.</summary>
    public const string InternalCredential = "internal-test-credential";

    public const string InternalCredentialVariable = "Gryphgen__Internal__Credential";

    /// <summary>The secret SYMORQ seals the key ring of stored endpoint keys with (it does not start without one).</summary>
    public const string KeyEncryptionSecret = "key-encryption-test-secret-0123456789";

    public const string KeyEncryptionSecretVariable = "Gryphgen__Llm__KeyEncryptionSecret";

    /// <summary>
    /// The environment that gives SYMORQ a fresh database and puts <paramref name="endpoints"/> in its grid, each
    /// serving the given aliases.
    /// </summary>
    public static async Task<Dictionary<string, string>> Settings(RedisServerProcess redis,
        params (string Name, Uri Url, string Kind, string[] Aliases)[] endpoints)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__gryphgen"] = await SharedPostgres.CreateDatabaseAsync("symorq"),
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["Fabric__Port"] = "0",
            ["Gryphgen__Llm__ProbeInterval"] = "00:00:00.500",
            ["Gryphgen__Gateway__ApiKey"] = ApiKey,
            ["Gryphgen__Gateway__AgentKey"] = AgentKey,
            [InternalCredentialVariable] = InternalCredential,
            [KeyEncryptionSecretVariable] = KeyEncryptionSecret,
        };
        for (var i = 0; i < endpoints.Length; i++)
        {
            var (name, url, kind, aliases) = endpoints[i];
            settings[$"Gryphgen__Llm__Endpoints__{i}__Name"] = name;
            settings[$"Gryphgen__Llm__Endpoints__{i}__Url"] = url.ToString();
            settings[$"Gryphgen__Llm__Endpoints__{i}__Kind"] = kind;
            for (var a = 0; a < aliases.Length; a++) settings[$"Gryphgen__Llm__Endpoints__{i}__Models__{a}"] = aliases[a];
        }
        return settings;
    }

    public static Task<ServiceProcess> StartSymorqAsync(Dictionary<string, string> settings) =>
        ServiceProcess.StartAsync("Gryphgen.Symorq", settings);

    /// <summary>A new key of <paramref name="scope"/>, made with the bootstrap admin key: its (unique) name and its secret.</summary>
    public static async Task<(string Name, string Secret)> CreateKeyAsync(ServiceProcess symorq, string prefix, KeyScope scope)
    {
        using var admin = OpenChannel(symorq);
        var name = $"{prefix}-{Guid.NewGuid():N}"[..20];
        var created = await new Keys.KeysClient(admin).CreateAsync(new CreateKeyRequest { Name = name, Scope = scope });
        return (name, created.Secret);
    }

    /// <summary>A gRPC channel to SYMORQ's public port that sends <see cref="ApiKey"/>.</summary>
    public static GrpcChannel OpenChannel(ServiceProcess symorq) => ApiKeyChannel.Open(symorq.GrpcUrl, ApiKey);
}
