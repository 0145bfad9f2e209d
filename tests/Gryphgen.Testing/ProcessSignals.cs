using System.Runtime.InteropServices;

namespace Gryphgen.Testing;

/// <summary>
/// Stops and continues a process (SIGSTOP, SIGCONT): a pause, not a death; its sockets stay open and silent. Or asks
/// it to end (SIGTERM), as a service manager does, so that it shuts down what it started.
/// </summary>
public static class ProcessSignals
{
    private const int SigTerm = 15, SigCont = 18, SigStop = 19; // Linux

    public static void Terminate(int pid) => Send(pid, SigTerm);

    public static void Stop(int pid) => Send(pid, SigStop);

    public static void Continue(int pid) => Send(pid, SigCont);

    private static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastWin32Error()}");
    }

    // DllImport, not LibraryImport: the generated marshalling needs unsafe code, and two ints need no marshalling.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
