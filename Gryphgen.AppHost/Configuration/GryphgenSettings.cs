using Gryphgen.Contracts;
using Gryphgen.Contracts.Network;
using Microsoft.Extensions.Configuration;

namespace Gryphgen.AppHost.Configuration;

/// <summary>
/// The AppHost's own configuration (section <c>Gryphgen</c>). <see cref="Load"/> validates all of it up front so
/// that a mistake stops the AppHost at once with a message that says what to fix.
/// </summary>
public sealed class GryphgenSettings
{
    public const string Section = "Gryphgen";

    /// <summary>auto, containers or local.</summary>
    public string Infrastructure { get; set; } = "auto";

    /// <summary>Where local mode keeps data (PostgreSQL's cluster, secrets). Default: see <see cref="StateDirectory"/>.</summary>
    public string StateDir { get; set; } = "";

    public PortSettings Ports { get; set; } = new();

    public LlmSettings Llm { get; set; } = new();

    public LocalToolSettings Local { get; set; } = new();

    public ImageSettings Images { get; set; } = new();

    /// <summary>
    /// An Aspire secret parameter holding SYMORQ's public API key, which every public gRPC service and HTTP route
    /// requires; the agents and the CLI send it. Empty: the AppHost generates one (<see cref="GeneratedApiKeyParameter"/>).
    /// There is no open mode.
    /// </summary>
    public string ApiKeyParameter { get; set; } = "";

    /// <summary>The secret parameter the AppHost generates the API key into when <see cref="ApiKeyParameter"/> is empty.</summary>
    public const string GeneratedApiKeyParameter = "gryphgen-api-key";

    /// <summary>The state folder: as configured, else <see cref="StateFolder.Default"/>.</summary>
    public string StateDirectory => !string.IsNullOrWhiteSpace(StateDir) ? Paths.Expand(StateDir) : StateFolder.Default;

    public static GryphgenSettings Load(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<GryphgenSettings>() ?? new GryphgenSettings();
        var problems = settings.Validate().ToList();
        if (problems.Count > 0) throw new GryphgenConfigurationException(problems);
        return settings;
    }

    public IEnumerable<string> Validate()
    {
        if (!InfrastructureModes.TryParse(Infrastructure, out _))
            yield return $"Gryphgen:Infrastructure must be auto, containers or local (got '{Infrastructure}')";
        foreach (var problem in Ports.Validate()) yield return problem;
        foreach (var problem in Llm.Validate()) yield return problem;
        foreach (var problem in Images.Validate()) yield return problem;
        if (ApiKeyParameter.Length > 0 && !RecordNames.IsValid(ApiKeyParameter))
            yield return $"Gryphgen:ApiKeyParameter '{ApiKeyParameter}' {RecordNames.Rule}";
    }
}

/// <summary>SYMORQ's fixed local ports in run mode: the public HTTP API, the gRPC API and the agent fabric.</summary>
public sealed class PortSettings
{
    public int Http { get; set; } = GryphgenPorts.Http;

    public int Grpc { get; set; } = GryphgenPorts.Grpc;

    public int Fabric { get; set; } = GryphgenPorts.Fabric;

    public IEnumerable<(string Key, int Port)> All => [("Http", Http), ("Grpc", Grpc), ("Fabric", Fabric)];

    public IEnumerable<string> Validate()
    {
        foreach (var (key, port) in All.Where(p => p.Port is < 1 or > 65535))
            yield return $"Gryphgen:Ports:{key} must be a TCP port between 1 and 65535 (got {port})";
        foreach (var group in All.GroupBy(p => p.Port).Where(g => g.Count() > 1))
            yield return $"Gryphgen:Ports:{string.Join(" and ", group.Select(p => p.Key))} are all {group.Key}; give each its own port";
    }
}

/// <summary>Paths of the programs local mode runs.</summary>
public sealed class LocalToolSettings
{
    public string PostgresBin { get; set; } = "/usr/lib/postgresql/15/bin";

    public string RedisServer { get; set; } = "redis-server";

    public string LlamaServer { get; set; } = "~/.cache/gryphgen/bin/llama-server";
}
