using Gryphgen.AppHost.Containers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gryphgen.AppHost.Configuration;

/// <summary>How PostgreSQL, Redis and llama-server run.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers from images, where a container runtime is healthy; what production deploys.</summary>
    Containers,

    /// <summary>Local executables (postgres with pgvector, redis-server, llama-server), where no runtime is.</summary>
    Local,
}

/// <summary>The mode a run uses, the container runtime it found (none looked for in local mode), and why.</summary>
public sealed record InfrastructureChoice(InfrastructureMode Mode, ContainerRuntime? Runtime, string Reason)
{
    /// <summary>As the AppHost's log and SYMORQ's status say it: <c>containers on podman 4.3.1</c>, or <c>local</c>.</summary>
    public override string ToString() => Mode == InfrastructureMode.Containers ? $"containers on {Runtime}" : "local";
}

public static class InfrastructureModes
{
    public static bool TryParse(string value, out InfrastructureMode? mode)
    {
        mode = value.ToLowerInvariant() switch
        {
            "containers" => InfrastructureMode.Containers,
            "local" => InfrastructureMode.Local,
            _ => null,
        };
        return mode is not null || value.Equals("auto", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The configured mode, or for <c>auto</c>: containers when a container runtime's engine answers and every image
    /// the run needs is here or can be pulled, else local. Containers configured must have both, or the AppHost stops
    /// saying what is missing. Publishing always describes containers, for whichever runtime is configured.
    /// </summary>
    public static InfrastructureChoice Resolve(GryphgenSettings settings, IConfiguration configuration, DistributedApplicationExecutionContext context)
    {
        TryParse(settings.Infrastructure, out var configured);
        if (context.IsPublishMode) return new(InfrastructureMode.Containers, ContainerRuntime.Detect(configuration), "publishing describes containers");
        if (configured == InfrastructureMode.Local) return new(InfrastructureMode.Local, null, "Gryphgen:Infrastructure is local");

        var runtime = ContainerRuntime.Detect(configuration);
        IReadOnlyList<string> problems = !runtime.IsHealthy
            ? [$"the {runtime.Name} engine does not answer: start it, or set {ContainerRuntime.ConfigurationKey} to the runtime that runs"]
            : ImageAvailability.Problems(runtime, settings.Images.Needed(settings.Llm.LlamaServers.Any(), settings.Llm.Gpu));
        if (problems.Count == 0) return new(InfrastructureMode.Containers, runtime, $"Gryphgen:Infrastructure is {settings.Infrastructure}");
        if (configured == InfrastructureMode.Containers)
            throw new GryphgenConfigurationException([.. problems.Select(p => $"Gryphgen:Infrastructure is containers, but {p}")]);
        return new(InfrastructureMode.Local, runtime, $"auto chose local: {string.Join("; ", problems)}");
    }

    /// <summary>The choice, the runtime and the reason in the AppHost's log (the dashboard's console), once at start.</summary>
    public static void LogInfrastructureChoice(this IDistributedApplicationBuilder builder, InfrastructureChoice choice) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gryphgen.AppHost.Infrastructure")
                .LogInformation("Infrastructure: {Choice} ({Reason})", choice, choice.Reason);
            return Task.CompletedTask;
        });
}
