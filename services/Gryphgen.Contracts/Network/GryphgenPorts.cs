namespace Gryphgen.Contracts.Network;

/// <summary>
/// SYMORQ's fixed local ports, the one home of their numbers: the AppHost's defaults for <c>Gryphgen:Ports:*</c>,
/// SYMORQ's own default fabric port, and where the CLI dials when told nothing else. Files that cannot reference
/// C# repeat a number with a comment naming this type: SYMORQ's and the agents' appsettings.json, scripts/run.sh.
/// </summary>
public static class GryphgenPorts
{
    /// <summary>The public HTTP API and the OpenAI-compatible gateway (<c>/api</c>, <c>/v1</c>).</summary>
    public const int Http = 5080;

    /// <summary>The gRPC API the CLI uses.</summary>
    public const int Grpc = 5081;

    /// <summary>The agent fabric's ZeroMQ ROUTER.</summary>
    public const int Fabric = 5082;

    /// <summary>SYMORQ's gRPC API on this machine, the CLI's default.</summary>
    public static readonly string LocalGrpcUrl = $"http://localhost:{Grpc}";
}
