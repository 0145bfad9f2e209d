using System.Globalization;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// The per-process limits of every run, on every backend, as a <c>prlimit</c> command in front of it: CPU time (one
/// second past the wall-clock limit), address space, the sandbox user's processes, file size, no core dumps.
/// </summary>
public static class RunRlimits
{
    public static IReadOnlyList<string> Prlimit(SandboxOptions limits, TimeSpan timeLimit) =>
    [
        "prlimit", $"--cpu={(int)Math.Ceiling(timeLimit.TotalSeconds) + 1}", $"--as={limits.AddressSpaceBytes.ToString(CultureInfo.InvariantCulture)}",
        $"--nproc={limits.Processes.ToString(CultureInfo.InvariantCulture)}", $"--fsize={limits.FileSizeBytes.ToString(CultureInfo.InvariantCulture)}", "--core=0", "--",
    ];
}
