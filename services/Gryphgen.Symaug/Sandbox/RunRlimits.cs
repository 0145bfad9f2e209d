using System.Globalization;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// The per-process limits of every run, on every backend: CPU time (one second past the wall-clock limit), address
/// space, the sandbox user's processes, file size, no core dumps. As a <c>prlimit</c> command in front of the run, or
/// as the shell's own <c>ulimit</c>s where a shell starts it anyway (one program fewer to start per run).
/// </summary>
public static class RunRlimits
{
    public static IReadOnlyList<string> Prlimit(SandboxOptions limits, TimeSpan timeLimit) =>
    [
        "prlimit", $"--cpu={CpuSeconds(timeLimit)}", $"--as={limits.AddressSpaceBytes.ToString(CultureInfo.InvariantCulture)}",
        $"--nproc={limits.Processes.ToString(CultureInfo.InvariantCulture)}", $"--fsize={limits.FileSizeBytes.ToString(CultureInfo.InvariantCulture)}", "--core=0", "--",
    ];

    /// <summary>
    /// The same limits as dash's <c>ulimit</c> builtins (soft and hard alike, one per call), joined by <c>&amp;&amp;</c>:
    /// address space in KiB and file size in 512-byte blocks, rounded down. Only numbers: safe inside a script.
    /// </summary>
    public static string Ulimits(SandboxOptions limits, TimeSpan timeLimit) => string.Create(CultureInfo.InvariantCulture,
        $"ulimit -t {CpuSeconds(timeLimit)} && ulimit -v {limits.AddressSpaceBytes / 1024} && ulimit -p {limits.Processes} && " +
        $"ulimit -f {limits.FileSizeBytes / 512} && ulimit -c 0");

    private static int CpuSeconds(TimeSpan timeLimit) => (int)Math.Ceiling(timeLimit.TotalSeconds) + 1;
}
