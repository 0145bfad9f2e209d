using System.Diagnostics;
using System.Globalization;
using Gryphgen.Symaug.Workspaces;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Runs each command in a throw-away container of <see cref="SandboxOptions.Image"/> (podman, or a docker-compatible
/// <see cref="SandboxOptions.ContainerRuntime"/>): no network, a read-only root, no capabilities, no new privileges,
/// the runtime's default seccomp profile, the workspace's pool user, the run's memory, pids and CPU limits as the
/// container's cgroup, a sized tmpfs at /tmp, and only the workspace writable. Seeds and the report follow the same
/// rules as in bubblewrap: protected files are bound read-only from their pristine copies over their workspace
/// paths, and the report FIFO is bound in and opened as descriptor 3 by the container's first process before the
/// command runs. Every container carries SYMAUG's owner mark as a label and in its name, so a later SYMAUG removes
/// what a crashed one left. The container is removed after its run (not <c>--rm</c>: SYMAUG first asks whether the
/// OOM killer struck it).
/// </summary>
public sealed class ContainerBackend(IOptions<SandboxOptions> options, SandboxUsers users, SandboxOwner owner) : ISandboxBackend
{
    private const string OwnerLabel = "gryphgen.owner";
    private const string ReportFifo = "/run/report.fifo";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private SandboxOptions Options => options.Value;

    private string Runtime => Options.ContainerRuntimeOrDefault;

    /// <summary>
    /// Why this host cannot use the container backend (no runtime answers, or the image is missing), or null where
    /// it can; <c>Sandbox:Backend=auto</c> asks this once, at start.
    /// </summary>
    public async Task<string?> WhyNotAsync(CancellationToken cancellationToken)
    {
        var version = await RuntimeAsync(["version", "--format", "{{.Client.Version}}"], cancellationToken);
        if (!version.Succeeded)
        {
            return $"no container runtime answered (Sandbox:ContainerRuntime {Runtime}: {version.FirstLine})";
        }
        return await HasImageAsync(Options.Image, cancellationToken) ? null
            : $"the image {Options.Image} (Sandbox:Image) is not in {Runtime}'s store: build it with scripts/setup.sh (no registry is reached)";
    }

    /// <summary>Whether <paramref name="image"/> (an image reference, checked) is in the runtime's store.</summary>
    public async Task<bool> HasImageAsync(string image, CancellationToken cancellationToken) =>
        (await RuntimeAsync(["image", "inspect", "--format", "{{.Id}}", image], cancellationToken)).Succeeded;

    public async Task<SandboxAvailability> ProbeAsync(CancellationToken cancellationToken)
    {
        if (await WhyNotAsync(cancellationToken) is { } why)
        {
            return new(false, $"container backend (Sandbox:Backend) cannot run here: {why}; SYMAUG refuses to run generated code unconfined");
        }
        var name = ContainerName();
        var probe = await RuntimeAsync(
            [.. RunArguments(name, new SandboxUser(Options.RunAsUid)), Options.Image,
             "/bin/sh", "-c", "test \"$(awk 'NR > 2 { print $1 }' /proc/net/dev)\" = lo: && echo confined"], cancellationToken);
        await RemoveAsync([name]);
        var version = (await RuntimeAsync(["version", "--format", "{{.Client.Version}}"], cancellationToken)).FirstLine;
        return probe.Succeeded && probe.StandardOutput.Contains("confined")
            ? new(true, $"container ({Runtime} {version}, image {Options.Image}): no network, read-only root, no capabilities, " +
                        "no new privileges, the runtime's seccomp profile")
            : new(false, $"container backend (Sandbox:Backend) does not work here: {Runtime} run of {Options.Image} failed " +
                         $"(exit code {probe.ExitCode}: {probe.FirstLine}); see Sandbox:ContainerRuntime and /etc/containers/containers.conf");
    }

    public ISandboxLaunch Launch(SandboxRun run)
    {
        var name = ContainerName();
        var user = users.OfWorkspace(run.WorkspaceFolder) ?? new SandboxUser(Options.RunAsUid);
        List<string> arguments = [.. RunArguments(name, user), "--workdir", SandboxRun.WorkspaceMount];
        Bind(arguments, run.WorkspaceFolder, SandboxRun.WorkspaceMount, writable: true);
        foreach (var (source, file) in run.ProtectedFiles) Bind(arguments, source, $"{SandboxRun.WorkspaceMount}/{file}", writable: false);
        if (run.ReportFolder is not null) Bind(arguments, run.ReportFolder, SandboxRun.ReportMount, writable: true);
        if (run.ReportPipe is not null) Bind(arguments, run.ReportPipe.HostPath, ReportFifo, writable: true);
        // The container's first process is a shell that waits for the command, so its exit status comes out and
        // what it leaves dies with the container; it opens the report as descriptor 3, as bubblewrap's host shell does.
        var first = run.ReportPipe is null ? "\"$@\"; exit $?" : $"exec {ReportPipe.Descriptor}>{ReportFifo} || exit 125; \"$@\"; exit $?";
        arguments.AddRange([run.Image ?? Options.Image, "/bin/sh", "-c", first, "sh",
            .. RunRlimits.Prlimit(Options, run.TimeLimit), .. SandboxEnvironment.EnvCommand(run.Environment), .. run.Command]);
        return new Launched(this, name, [Runtime, .. arguments]);
    }

    public async Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        var ours = await RuntimeAsync(["ps", "--all", "--quiet", "--filter", $"label={OwnerLabel}={owner.Value}"], cancellationToken);
        var ids = ours.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > 0) await RemoveAsync(ids);
        return ids.Length;
    }

    public Task KillAllAsync(CancellationToken cancellationToken) => RemoveLeftoversAsync(cancellationToken);

    /// <summary>Every container's confinement and limits; the mounts and the command follow.</summary>
    private List<string> RunArguments(string name, SandboxUser user)
    {
        var o = Options;
        var uid = user.Uid.ToString(CultureInfo.InvariantCulture);
        List<string> args =
        [
            "run", "--name", name, "--label", $"{OwnerLabel}={owner.Value}", "--pull", "never", "--interactive", "--log-driver", "none",
            "--network", "none", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", $"{uid}:{uid}",
            "--hostname", "sandbox", "--memory", Invariant(o.MemoryBytes), "--memory-swap", Invariant(o.MemoryBytes), "--pids-limit", Invariant(o.Pids),
            "--cpus", (o.CpuPercent / 100.0).ToString(CultureInfo.InvariantCulture),
            "--tmpfs", $"/tmp:rw,nosuid,nodev,mode=1777,size={Invariant(o.TmpBytes)}",
            // Podman's defaults (or the host's hard limits) may be above what may be raised here: stated per run.
            "--ulimit", "nofile=1024:1024", "--ulimit", $"nproc={Invariant(o.Processes)}:{Invariant(o.Processes)}",
        ];
        // Podman would add unsized tmpfs mounts (/run, /var/tmp) to a read-only container; docker adds none.
        if (Path.GetFileName(Runtime) == "podman") args.Add("--read-only-tmpfs=false");
        return args;
    }

    private static void Bind(List<string> arguments, string host, string inside, bool writable)
    {
        // -v splits at ':' and a protected file's name comes from the task: refused rather than misread.
        if (host.Contains(':') || inside.Contains(':') || host.Contains(',') || inside.Contains(','))
        {
            throw new WorkspaceInputException($"\"{inside}\" cannot be bound into a container: the container backend refuses ':' and ',' in paths");
        }
        arguments.AddRange(["--volume", $"{host}:{inside}:{(writable ? "rw" : "ro")}"]);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The owner mark in the name too, so a person listing containers sees whose they are.</summary>
    private string ContainerName() => $"gryphgen-{owner.Value}-{Guid.NewGuid():N}";

    private Task<ProcessResult> RuntimeAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(Runtime, arguments, CommandTimeout, cancellationToken);

    private async Task RemoveAsync(IReadOnlyList<string> containers)
    {
        // Killed first: rm -f would give a running container a stop timeout before it kills it.
        await RuntimeAsync(["kill", "--signal", "KILL", .. containers], CancellationToken.None);
        await RuntimeAsync(["rm", "--force", .. containers], CancellationToken.None);
    }

    private sealed class Launched(ContainerBackend backend, string name, IReadOnlyList<string> command) : ISandboxLaunch
    {
        public IReadOnlyList<string> Command => command;

        /// <summary>
        /// Kills the container; the runtime's client then ends. A client still starting it is killed too, and a
        /// container it managed to create is removed when the run is disposed.
        /// </summary>
        public void Kill(Process host) => _ = Task.Run(async () =>
        {
            await backend.RuntimeAsync(["kill", "--signal", "KILL", name], CancellationToken.None);
            try
            {
                if (!host.WaitForExit(TimeSpan.FromSeconds(10))) host.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // The run has ended and been disposed meanwhile.
            }
        });

        private string? _cgroup;

        /// <summary>
        /// Watches the OOM counter of the container's own memory cgroup (where the runtime put its limit), so that
        /// the whole run ends at the first kill, as in bubblewrap, rather than going on without the killed process.
        /// </summary>
        public IDisposable? WatchOom(Action onOom) => RunWatch.Every(() =>
        {
            _cgroup ??= backend.RuntimeAsync(["inspect", "--format", "{{.State.CgroupPath}}", name], CancellationToken.None)
                .GetAwaiter().GetResult() is { Succeeded: true } found && found.StandardOutput.Trim() is { Length: > 0 } path ? path : null;
            return _cgroup is not null && (CgroupV2.Mounted
                ? OwnCgroup.Counter($"{OwnCgroup.Mount}{_cgroup}/memory.events", "oom_kill")
                : OwnCgroup.Counter($"{OwnCgroup.Mount}/memory{_cgroup}/memory.oom_control", "oom_kill")) > 0;
        }, onOom);

        public async Task<bool> OomKilledAsync()
        {
            var state = await backend.RuntimeAsync(["inspect", "--format", "{{.State.OOMKilled}}", name], CancellationToken.None);
            return state.Succeeded && state.StandardOutput.Trim() == "true";
        }

        // The container's cgroup, which counted it, is gone with the container.
        public long CpuTimeMs() => 0;

        public async ValueTask DisposeAsync() => await backend.RemoveAsync([name]);
    }
}
