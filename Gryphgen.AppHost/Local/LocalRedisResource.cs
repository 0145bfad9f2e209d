namespace Gryphgen.AppHost.Local;

/// <summary>redis-server run as a local executable, for machines without a container runtime.</summary>
public sealed class LocalRedisResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    /// <summary>The config file in the state folder's secrets (mode 600) that holds <c>requirepass</c>.</summary>
    public const string ConfigFileName = "redis.conf";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)},password={Password}");
}
