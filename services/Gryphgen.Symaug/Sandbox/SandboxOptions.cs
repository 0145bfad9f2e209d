using System.ComponentModel.DataAnnotations;
using Gryphgen.Contracts.Containers;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>Which programs SYMAUG uses to confine generated code, and the limits every run gets.</summary>
public sealed class SandboxOptions : IValidatableObject
{
    public const string Section = "Sandbox";

    /// <summary>
    /// How runs are confined: <c>bubblewrap</c>, <c>container</c> (a throw-away container per run, see
    /// <see cref="ContainerBackend"/>) or <c>auto</c>: the container where a runtime answers and <see cref="Image"/>
    /// exists, else bubblewrap. Chosen once, at start (<see cref="SandboxChoice"/>). Bubblewrap by default: a container
    /// run costs about half a second more and does not report CPU time yet, so the container tier is chosen, not fallen into.
    /// </summary>
    public string Backend { get; set; } = Backends.Bubblewrap;

    /// <summary>The bubblewrap executable (a name on PATH or a path).</summary>
    public string Bubblewrap { get; set; } = "bwrap";

    /// <summary>The container runtime (podman, or a docker-compatible one; a name on PATH or a path); unset: podman where it is on PATH, else docker.</summary>
    public string? ContainerRuntime { get; set; }

    /// <summary>The image of the container backend's runs; scripts/setup.sh builds the default from Debian packages.</summary>
    public string Image { get; set; } = "localhost/gryphgen-sandbox:1";

    /// <summary>
    /// Further images a task may name (<c>sandbox.image</c>) beside <see cref="Image"/>; none by default, so a task
    /// runs only in what the operator built for it.
    /// </summary>
    public List<string> AllowedImages { get; set; } = [];

    /// <summary><see cref="ContainerRuntime"/>, or the default where it is unset.</summary>
    public string ContainerRuntimeOrDefault => string.IsNullOrWhiteSpace(ContainerRuntime)
        ? (ExecutableSearch.OnPath("podman") ? "podman" : "docker")
        : ContainerRuntime;

    /// <summary>
    /// The interpreter runs use for <c>python3</c>: named explicitly because the first python3 on PATH may be a
    /// separate build without pytest.
    /// </summary>
    public string Python { get; set; } = "/usr/bin/python3";

    /// <summary>
    /// The host user of the sandbox probe and of workspaces made before the pool (nobody by default). Root is exempt
    /// from the process limit, so code must never run as root, not even as a root mapped into a user namespace.
    /// </summary>
    public int RunAsUid { get; set; } = 65534;

    /// <summary>
    /// The first uid of the pool each workspace gets its own user from (see <see cref="SandboxUser"/>); no account of
    /// the host may have a uid or gid in the pool. One workspace holds one uid until it is deleted.
    /// </summary>
    public int UidPoolStart { get; set; } = 100_000;

    public int UidPoolSize { get; set; } = 4096;

    /// <summary>Memory of a run's cgroup, its /tmp included; at the limit the OOM killer strikes and SYMAUG kills the run.</summary>
    public long MemoryBytes { get; set; } = 1L << 30;

    /// <summary>Processes and threads in a run's cgroup at once.</summary>
    public int Pids { get; set; } = 256;

    /// <summary>CPU quota of a run's cgroup, in percent of one core (100 = one core, 200 = two).</summary>
    public int CpuPercent { get; set; } = 100;

    /// <summary>Size of the run's private /tmp, a tmpfs (RAM).</summary>
    public long TmpBytes { get; set; } = 256L << 20;

    public int DefaultTimeLimitSeconds { get; set; } = 60;
    public int MaxTimeLimitSeconds { get; set; } = 600;
    public long DefaultOutputLimitBytes { get; set; } = 1 << 20;
    public long MaxOutputLimitBytes { get; set; } = 16 << 20;

    /// <summary>Address space per process (RLIMIT_AS): an allocation past it fails.</summary>
    public long AddressSpaceBytes { get; set; } = 4L << 30;

    /// <summary>Processes of the workspace's sandbox user at once (RLIMIT_NPROC).</summary>
    public int Processes { get; set; } = 256;

    /// <summary>Largest file a run may write (RLIMIT_FSIZE).</summary>
    public long FileSizeBytes { get; set; } = 64L << 20;

    /// <summary>Largest test report SYMAUG reads; a longer one is cut and counts as no report.</summary>
    public long ReportLimitBytes { get; set; } = 16L << 20;

    /// <summary>The wall-clock limit for a run: the default for 0, capped at the maximum.</summary>
    public TimeSpan TimeLimit(int requestedMilliseconds) => requestedMilliseconds switch
    {
        < 0 => throw new Workspaces.WorkspaceInputException($"time limit {requestedMilliseconds} ms is negative"),
        0 => TimeSpan.FromSeconds(DefaultTimeLimitSeconds),
        _ => TimeSpan.FromMilliseconds(Math.Min(requestedMilliseconds, MaxTimeLimitSeconds * 1000L)),
    };

    /// <summary>The output limit per stream for a run: the default for 0, capped at the maximum.</summary>
    public long OutputLimit(long requestedBytes) => requestedBytes switch
    {
        < 0 => throw new Workspaces.WorkspaceInputException($"output limit {requestedBytes} bytes is negative"),
        0 => DefaultOutputLimitBytes,
        _ => Math.Min(requestedBytes, MaxOutputLimitBytes),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Backends.All.Contains(Backend, StringComparer.Ordinal))
        {
            yield return Error(nameof(Backend), $"must be one of {string.Join(", ", Backends.All)} (got \"{Backend}\")");
        }
        if (ContainerImageNames.Problem(Image) is { } imageProblem) yield return Error(nameof(Image), $"\"{Image}\" {imageProblem}");
        foreach (var allowed in AllowedImages)
        {
            if (ContainerImageNames.Problem(allowed) is { } problem) yield return Error(nameof(AllowedImages), $"\"{allowed}\" {problem}");
        }
        if (UidPoolStart < 1000) yield return Error(nameof(UidPoolStart), $"must be 1000 or more (got {UidPoolStart})");
        if (UidPoolSize < 1 || (long)UidPoolStart + UidPoolSize > int.MaxValue)
        {
            yield return Error(nameof(UidPoolSize), $"must be at least 1 and end the pool below {int.MaxValue} (got {UidPoolSize})");
        }
        else if (RunAsUid >= UidPoolStart && RunAsUid < UidPoolStart + UidPoolSize)
        {
            yield return Error(nameof(UidPoolStart), $"the pool {UidPoolStart}..{UidPoolStart + UidPoolSize - 1} holds Sandbox:RunAsUid {RunAsUid}");
        }
        else if (HostAccounts.Within(UidPoolStart, UidPoolSize).ToList() is { Count: > 0 } taken)
        {
            yield return Error(nameof(UidPoolStart), $"the pool {UidPoolStart}..{UidPoolStart + UidPoolSize - 1} holds ids of host accounts " +
                                                     $"({string.Join(", ", taken.Take(5))}): choose a range no user, daemon or group has");
        }
        if (TmpBytes < 1 << 20) yield return Error(nameof(TmpBytes), $"must be at least 1 MiB (got {TmpBytes})");
        if (MemoryBytes < 32L << 20) yield return Error(nameof(MemoryBytes), $"must be at least 32 MiB (got {MemoryBytes})");
        if (Pids < 16) yield return Error(nameof(Pids), $"must be at least 16 (bubblewrap and the shells count too; got {Pids})");
        if (CpuPercent is < 1 or > 100_000) yield return Error(nameof(CpuPercent), $"must be between 1 and 100000 (got {CpuPercent})");
    }

    private static ValidationResult Error(string key, string problem) => new($"{Section}:{key} {problem}", [key]);
}

/// <summary>The values of <see cref="SandboxOptions.Backend"/>.</summary>
public static class Backends
{
    public const string Bubblewrap = "bubblewrap", Container = "container", Auto = "auto";

    public static readonly IReadOnlyList<string> All = [Bubblewrap, Container, Auto];
}
