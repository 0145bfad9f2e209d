using Gryphgen.AppHost.Configuration;
using Microsoft.Extensions.Configuration;
using NetMQ;
using Gryphgen.Fabric;

namespace Gryphgen.AppHost;

/// <summary>
/// The agent fabric's secrets. One enrollment credential per role, a secret parameter generated unless configured
/// (<c>Parameters:fabric-credential-ROLE</c>): SYMORQ gets every role's as the set it admits, each agent only its own.
/// The broker's CURVE key pair: the secret key only to SYMORQ, the public key to the agents. Run here, the pair is
/// generated per run unless <c>Parameters:fabric-broker-secret-key</c> is set (the public key is derived from it); a
/// deployment supplies both parameters. SYMORQ's ROUTER binds loopback except in a deployment.
/// </summary>
public sealed class FabricWiring
{
    private const string SecretKeyParameter = "fabric-broker-secret-key";
    private const string PublicKeyParameter = "fabric-broker-public-key";

    private readonly Dictionary<string, IResourceBuilder<ParameterResource>> _credentials;
    private readonly IResourceBuilder<ParameterResource> _secretKey;
    private readonly IResourceBuilder<ParameterResource> _publicKey;

    private FabricWiring(Dictionary<string, IResourceBuilder<ParameterResource>> credentials,
        IResourceBuilder<ParameterResource> secretKey, IResourceBuilder<ParameterResource> publicKey)
    {
        _credentials = credentials;
        _secretKey = secretKey;
        _publicKey = publicKey;
    }

    public static FabricWiring Add(IDistributedApplicationBuilder builder, IEnumerable<string> roles)
    {
        var credentials = roles.ToDictionary(role => role, role => builder.AddParameter($"fabric-credential-{role}",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true));
        if (!builder.ExecutionContext.IsRunMode)
            return new(credentials, builder.AddParameter(SecretKeyParameter, secret: true), builder.AddParameter(PublicKeyParameter));

        var keys = BrokerKeys(builder.Configuration);
        return new(credentials,
            builder.AddResource(new ParameterResource(SecretKeyParameter, _ => keys.SecretKeyZ85!, secret: true)),
            builder.AddResource(new ParameterResource(PublicKeyParameter, _ => keys.PublicKeyZ85, secret: false)));
    }

    public void Broker(IResourceBuilder<ProjectResource> symorq)
    {
        // Run here, the orchestrator's proxy reaches SYMORQ on loopback (its default); deployed in a container, the
        // agents in theirs must reach it over the network.
        if (!symorq.ApplicationBuilder.ExecutionContext.IsRunMode) symorq.WithEnvironment("Fabric__ListenAddress", "*");
        symorq.WithEnvironment("Fabric__CurveSecretKey", _secretKey);
        foreach (var (role, credential) in _credentials) symorq.WithEnvironment($"Fabric__Credentials__{role}__0", credential);
    }

    public void Worker(IResourceBuilder<ProjectResource> agent, string role) =>
        agent.WithEnvironment("Fabric__Credential", _credentials[role]).WithEnvironment("Fabric__BrokerPublicKey", _publicKey);

    private static NetMQCertificate BrokerKeys(IConfiguration configuration)
    {
        var configured = configuration[$"Parameters:{SecretKeyParameter}"];
        if (configured is null) return new NetMQCertificate();
        if (!CurveKeys.IsValid(configured))
            throw new GryphgenConfigurationException([$"Parameters:{SecretKeyParameter} must be {CurveKeys.Shape}"]);
        return NetMQCertificate.CreateFromSecretKey(configured);
    }
}
