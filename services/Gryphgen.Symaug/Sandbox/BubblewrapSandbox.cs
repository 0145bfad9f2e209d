using Gryphgen.Contracts;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>Whether generated code can be run confined here, and if not, why.</summary>
public sealed record SandboxAvailability(bool Available, string Detail);

/// <summary>A host folder seen at <paramref name="Inside"/> in the sandbox.</summary>
public sealed record SandboxBind(string Host, string Inside, bool Writable);

/// <summary>
/// Confinement with bubblewrap: no network, its own PID, IPC and UTS namespaces, the system folders read-only,
/// a private /tmp, only the workspace writable, and a new session (no access to the caller's terminal). Where
/// SYMAUG runs as root, bubblewrap sets the sandbox up as root (no user namespace) and the code then runs as the
/// workspace's unprivileged <see cref="SandboxUser"/> with no capabilities: root, even a root mapped into a user
/// namespace, is exempt from the process limit. SYMAUG never runs generated code outside the sandbox. (Not <c>--die-with-parent</c>: its PR_SET_PDEATHSIG fires when the .NET
/// thread that forked bwrap ends, not the process, and killed healthy runs; the runner kills the whole tree at
/// its limit instead, and everything in the PID namespace dies with the namespace's first process.)
/// </summary>
public sealed class BubblewrapSandbox(IOptions<SandboxOptions> options) : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] ReadOnlySystemFolders = ["/usr", "/etc", "/opt"];

    // Written once, into a folder only SYMAUG's user can write, so that nothing can swap the filter bwrap loads.
    private readonly Lazy<string?> _filterFile = new(() =>
    {
        if (!SeccompFilter.Supported) return null;
        var file = Path.Combine(Directory.CreateTempSubdirectory("gryphgen-seccomp-").FullName, "filter.bpf");
        File.WriteAllBytes(file, SeccompFilter.Program());
        return file;
    });

    /// <summary>
    /// How bubblewrap is started: where a seccomp filter applies, a shell opens it as descriptor
    /// <see cref="FilterDescriptorText"/> (which <c>--seccomp</c> names) and execs bubblewrap. Put in front of <see cref="Arguments(SandboxRun, SandboxUser?)"/>.
    /// </summary>
    public IReadOnlyList<string> Launcher() => _filterFile.Value is { } filter
        ? ["/bin/sh", "-c", $"exec {FilterDescriptorText}<\"$0\" && exec \"$@\"", filter, options.Value.Bubblewrap]
        : [options.Value.Bubblewrap];

    /// <summary>The seccomp filter's file, which a launching shell opens as <see cref="FilterDescriptorText"/>; null where none applies.</summary>
    public string? FilterFile => _filterFile.Value;

    /// <summary>The descriptor <c>--seccomp</c> names. One digit: dash, /bin/sh here, opens no higher descriptor.</summary>
    public const string FilterDescriptorText = "9";

    /// <summary>Runs <paramref name="command"/> confined with no workspace.</summary>
    public Task<ProcessResult> RunConfinedAsync(IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync([.. SystemArguments(), "--", .. Unprivileged(ProbeUser, new Dictionary<string, string>(), command)], timeout, cancellationToken);

    /// <summary>Who runs what belongs to no workspace (the probe): the user of the time before the pool.</summary>
    private SandboxUser? ProbeUser => ProcessUser.IsRoot ? new SandboxUser(options.Value.RunAsUid) : null;

    /// <summary>
    /// The bubblewrap arguments for a run in a workspace. The command runs as the child of a shell that is the
    /// namespace's first process, so its exit status and CPU time reach the caller (bwrap's own reaper would
    /// hide them), and everything it leaves behind dies when that shell ends.
    /// </summary>
    public IReadOnlyList<string> Arguments(SandboxRun run, SandboxUser? user)
    {
        var args = SystemArguments();
        args.AddRange(["--bind", run.WorkspaceFolder, SandboxRun.WorkspaceMount]);
        foreach (var (source, file) in run.ProtectedFiles)
        {
            args.AddRange(["--ro-bind", source, $"{SandboxRun.WorkspaceMount}/{file}"]);
        }
        if (run.ReportFolder is not null) args.AddRange(["--bind", run.ReportFolder, SandboxRun.ReportMount]);
        args.AddRange(["--chdir", SandboxRun.WorkspaceMount, "--hostname", "sandbox", "--as-pid-1"]);
        args.AddRange(["--", .. Unprivileged(user, run.Environment, run.Command)]);
        return args;
    }

    /// <summary>
    /// The command as the sandbox user with its environment. bubblewrap clears the environment (<c>--clearenv</c>),
    /// so setpriv, still root, starts with none; the environment is exported by the shell setpriv execs after the
    /// drop, from its arguments (<c>export "$1"</c> assigns a value as it is, expanding nothing), and that shell runs
    /// the command as its child. Nothing the caller chose (LD_PRELOAD and the like) is ever seen by a root process.
    /// </summary>
    private static IReadOnlyList<string> Unprivileged(SandboxUser? user, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> command) =>
        [.. DropPrivileges(user), "/bin/sh", "-c", ExportingShell, "sh", .. SandboxEnvironment.Assignments(environment), "--", .. command];

    private const string ExportingShell = "while [ $# -gt 0 ] && [ \"$1\" != -- ]; do export \"$1\"; shift; done; shift; \"$@\"; exit $?";

    private List<string> SystemArguments()
    {
        // As root every namespace but the user's: the sandbox user must be a real host user for its limits to hold.
        List<string> args = ProcessUser.IsRoot
            ? ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--new-session"]
            : ["--unshare-all", "--new-session"];
        foreach (var folder in ReadOnlySystemFolders.Where(Directory.Exists)) args.AddRange(["--ro-bind", folder, folder]);
        foreach (var link in new[] { "bin", "lib", "lib64", "sbin" })
        {
            if (Directory.Exists("/usr/" + link)) args.AddRange(["--symlink", "usr/" + link, "/" + link]);
        }
        // /tmp is RAM: sized, or one run could fill half the host's memory with files.
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", options.Value.TmpBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tmpfs", "/tmp", "--clearenv"]);
        if (_filterFile.Value is not null) args.AddRange(["--seccomp", FilterDescriptorText]);
        return args;
    }

    /// <summary>
    /// A trusted host program (git restoring a checkpoint) confined like a run and as the sandbox user, with only
    /// <paramref name="binds"/> of the host: whatever links the sandbox left in them, it reaches nothing that user
    /// could not, and no folder above the binds needs to be open to that user. Used on either backend
    /// (<see cref="SandboxOptions.Backend"/>): it runs the host's git on host folders, which a container image need not hold.
    /// </summary>
    public Task<ProcessResult> RunAsSandboxUserAsync(SandboxUser? user, IReadOnlyList<SandboxBind> binds, IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var args = SystemArguments();
        foreach (var bind in binds) args.AddRange([bind.Writable ? "--bind" : "--ro-bind", bind.Host, bind.Inside]);
        args.AddRange(["--", .. Unprivileged(user, environment, command)]);
        return RunAsync(args, timeout, cancellationToken);
    }

    private Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var launcher = Launcher();
        return ProcessRunner.RunAsync(launcher[0], [.. launcher.Skip(1), .. arguments], timeout, cancellationToken);
    }

    private static IReadOnlyList<string> DropPrivileges(SandboxUser? user) => user is { Uid: var uid }
        ?
        [
            "/usr/bin/setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
        ]
        : [];

    public void Dispose()
    {
        if (_filterFile is { IsValueCreated: true, Value: { } filter }) Directory.Delete(Path.GetDirectoryName(filter)!, recursive: true);
    }

    /// <summary>Proves the sandbox works by running a command in it that must see no network but loopback.</summary>
    public async Task<SandboxAvailability> ProbeAsync(CancellationToken cancellationToken)
    {
        var result = await RunConfinedAsync(
            ["/bin/sh", "-c", "test \"$(awk 'NR > 2 { print $1 }' /proc/net/dev)\" = lo: && echo confined"], ProbeTimeout, cancellationToken);
        return result.Succeeded && result.StandardOutput.Contains("confined")
            ? new(true, $"bubblewrap ({options.Value.Bubblewrap}): no network, read-only system, own PID/IPC/UTS namespaces, " +
                        (_filterFile.Value is null ? "no seccomp filter (x86-64 only)" : "seccomp filter"))
            : new(false, $"bubblewrap does not work here (exit code {result.ExitCode}: {result.FirstLine}); SYMAUG refuses to run generated code " +
                         "unconfined: install bubblewrap (scripts/setup.sh) or set Sandbox:Bubblewrap");
    }
}
