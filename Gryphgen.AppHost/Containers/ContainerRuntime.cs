using System.Diagnostics;
using Gryphgen.AppHost.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gryphgen.AppHost.Containers;

/// <summary>
/// The container runtime Aspire's orchestrator drives, docker or podman, and its engine's version when the engine
/// answers (<see cref="Version"/> null: a CLI without an engine, as with a docker client and no daemon).
/// </summary>
public sealed record ContainerRuntime(string Name, string? Version)
{
    /// <summary>Aspire's own setting (an environment variable, or a configuration key) naming the runtime.</summary>
    public const string ConfigurationKey = "ASPIRE_CONTAINER_RUNTIME";

    /// <summary>The setting Aspire's orchestrator reads; set to what was detected, so that both use the same runtime.</summary>
    private const string OrchestratorKey = "DcpPublisher:ContainerRuntime";

    public const string Docker = "docker";
    public const string Podman = "podman";
    private static readonly string[] Known = [Docker, Podman];

    public bool IsHealthy => Version is not null;

    public bool IsPodman => Name == Podman;

    /// <summary>As the AppHost's log and SYMORQ's status say it: <c>podman 4.3.1</c>, or <c>docker (engine not answering)</c>.</summary>
    public override string ToString() => IsHealthy ? $"{Name} {Version}" : $"{Name} (engine not answering)";

    /// <summary>
    /// The configured runtime, else the first of docker and podman whose engine answers (docker first, as Aspire's
    /// orchestrator prefers it), else docker; the orchestrator is told the choice.
    /// </summary>
    public static ContainerRuntime Detect(IConfiguration configuration)
    {
        var configured = configuration[ConfigurationKey];
        ContainerRuntime runtime;
        if (string.IsNullOrWhiteSpace(configured))
            runtime = Known.Select(name => new ContainerRuntime(name, EngineVersion(name))).FirstOrDefault(r => r.IsHealthy) ?? new(Docker, null);
        else if (Known.Contains(configured))
            runtime = new(configured, EngineVersion(configured));
        else
            throw new GryphgenConfigurationException([$"{ConfigurationKey} must be {Docker} or {Podman} (got '{configured}')"]);
        configuration[OrchestratorKey] = runtime.Name;
        return runtime;
    }

    /// <summary>
    /// The engine's version: <c>version --format {{.Server.Version}}</c> reads the same field in both CLIs (podman's
    /// <c>info</c> has no <c>.ServerVersion</c>, docker's no <c>.Version.Version</c>). A client without an engine
    /// answers non-zero at once; a hung engine is given 10 s.
    /// </summary>
    private static string? EngineVersion(string runtime) =>
        Execute(runtime, ["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(10)) is { ExitCode: 0, Output: var version }
        && version.Length > 0 ? version : null;

    /// <summary>Runs the runtime's CLI with <paramref name="arguments"/>; null when it is not installed or outlasts <paramref name="timeout"/>.</summary>
    public CommandResult? Execute(IReadOnlyList<string> arguments, TimeSpan timeout) => Execute(Name, arguments, timeout);

    private static CommandResult? Execute(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return new(process.ExitCode, output.Result.Trim(), errors.Result.Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no such program
        }
    }
}

/// <summary>What a runtime command printed, and how it ended.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Errors)
{
    /// <summary>The last line of its errors: where both CLIs say what went wrong.</summary>
    public string Complaint => Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? $"exit code {ExitCode}";
}
