using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>Whether generated code can be run confined here, and if not, why.</summary>
public sealed record SandboxAvailability(bool Available, string Detail);

/// <summary>
/// Confinement with bubblewrap: no network, its own PID, IPC and UTS namespaces, the system folders read-only,
/// a private /tmp, and a new session (no access to the caller's terminal). SYMAUG never runs generated code
/// outside it. (Not <c>--die-with-parent</c>: its PR_SET_PDEATHSIG fires when the .NET thread that forked
/// bwrap ends, not the process, and killed healthy runs; the runner kills the whole tree at its limit instead.)
/// </summary>
public sealed class BubblewrapSandbox(IOptions<SandboxOptions> options)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] ReadOnlySystemFolders = ["/usr", "/etc", "/opt"];

    /// <summary>The bubblewrap arguments that confine <paramref name="command"/>.</summary>
    public IReadOnlyList<string> Arguments(IReadOnlyList<string> command)
    {
        var args = new List<string> { "--unshare-all", "--new-session" };
        foreach (var folder in ReadOnlySystemFolders.Where(Directory.Exists)) args.AddRange(["--ro-bind", folder, folder]);
        foreach (var link in new[] { "bin", "lib", "lib64", "sbin" })
        {
            if (Directory.Exists("/usr/" + link)) args.AddRange(["--symlink", "usr/" + link, "/" + link]);
        }
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--"]);
        args.AddRange(command);
        return args;
    }

    /// <summary>Proves the sandbox works by running a command in it that must see no network but loopback.</summary>
    public async Task<SandboxAvailability> ProbeAsync(CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(options.Value.Bubblewrap,
            Arguments(["/bin/sh", "-c", "test \"$(awk 'NR > 2 { print $1 }' /proc/net/dev)\" = lo: && echo confined"]), ProbeTimeout, cancellationToken);
        return result.Succeeded && result.StandardOutput.Contains("confined")
            ? new(true, $"bubblewrap ({options.Value.Bubblewrap}): no network, read-only system, own PID/IPC/UTS namespaces")
            : new(false, $"bubblewrap does not work here (exit code {result.ExitCode}: {result.FirstLine}); SYMAUG refuses to run generated code " +
                         "unconfined: install bubblewrap (scripts/setup.sh) or set Sandbox:Bubblewrap");
    }
}
