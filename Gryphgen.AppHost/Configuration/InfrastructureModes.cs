using System.Diagnostics;

namespace Gryphgen.AppHost.Configuration;

/// <summary>How PostgreSQL, Redis and llama-server run.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers from images, where a container runtime is healthy; what production deploys.</summary>
    Containers,

    /// <summary>Local executables (postgres with pgvector, redis-server, llama-server), where no runtime is.</summary>
    Local,
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
    /// The configured mode, or for <c>auto</c>: containers when a container runtime answers, else local.
    /// Publishing always describes containers.
    /// </summary>
    public static InfrastructureMode Resolve(GryphgenSettings settings, DistributedApplicationExecutionContext context)
    {
        if (context.IsPublishMode) return InfrastructureMode.Containers;
        TryParse(settings.Infrastructure, out var configured);
        return configured ?? (ContainerRuntimeIsHealthy() ? InfrastructureMode.Containers : InfrastructureMode.Local);
    }

    /// <summary>
    /// Asks the container runtime Aspire would use (ASPIRE_CONTAINER_RUNTIME, default docker) for its server
    /// version. A CLI without a daemon, as on machines with only the docker client, answers non-zero at once.
    /// </summary>
    private static bool ContainerRuntimeIsHealthy()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (process is null) return false;
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0 && process.StandardOutput.ReadToEnd().Trim().Length > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such program
        }
    }
}
