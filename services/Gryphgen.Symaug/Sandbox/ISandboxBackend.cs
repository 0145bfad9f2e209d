using System.Diagnostics;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// A way of confining a run (bubblewrap, or a throw-away container): what <see cref="SandboxedRunner"/> starts for
/// a run and how it stops it. Chosen once, at registration (<see cref="SandboxRegistration"/>); the runner's
/// capture, limits and verdict are the same for every backend.
/// </summary>
public interface ISandboxBackend
{
    /// <summary>Proves the backend confines code here, and says how.</summary>
    Task<SandboxAvailability> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>The host command of one run, and its means to stop it and tell what stopped it.</summary>
    ISandboxLaunch Launch(SandboxRun run);

    /// <summary>At SYMAUG's start: removes what runs of an earlier SYMAUG on the same root left; how many.</summary>
    Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken);

    /// <summary>At SYMAUG's stop: kills every run still going.</summary>
    Task KillAllAsync(CancellationToken cancellationToken);
}

/// <summary>One run as a backend starts it: its stdin, stdout and stderr are the run's.</summary>
public interface ISandboxLaunch : IAsyncDisposable
{
    /// <summary>The host command; its exit code is the run's.</summary>
    IReadOnlyList<string> Command { get; }

    /// <summary>Kills the run (at a limit, or on cancellation); <paramref name="host"/> is the started command.</summary>
    void Kill(Process host);

    /// <summary>Calls <paramref name="onOom"/> as soon as the kernel's OOM killer struck the run, where it can tell; or null.</summary>
    IDisposable? WatchOom(Action onOom);

    /// <summary>After the run: whether the OOM killer struck it.</summary>
    Task<bool> OomKilledAsync();

    /// <summary>After the run: the CPU time of everything that ran in it, in milliseconds (0 where unknown).</summary>
    long CpuTimeMs();
}
