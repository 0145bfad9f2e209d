using System.Runtime.InteropServices;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Where a test reporter in the sandbox writes its report so that nothing in the sandbox can rewrite it afterwards:
/// a FIFO that SYMAUG reads while the run goes on. It lives in a folder only root can enter (0700), outside the
/// workspace; the host-side accounting shell opens it as file descriptor 3 before bubblewrap starts, the descriptor
/// is inherited through bubblewrap and setpriv, and the reporter writes to <see cref="SandboxPath"/>. Reopening
/// /dev/fd/3 as the sandbox user checks the FIFO's own mode, hence 0622: anyone holding the descriptor may write,
/// nobody but SYMAUG reads. A second report (an atexit hook, a background process) can then only be appended to
/// the first, which makes the report invalid, never a replacement for it.
/// </summary>
public sealed partial class ReportPipe : IDisposable
{
    /// <summary>The descriptor the accounting shell opens the FIFO as.</summary>
    public const int Descriptor = 3;

    /// <summary>Where the reporter writes, inside the sandbox.</summary>
    public const string SandboxPath = "/dev/fd/3";

    private const UnixFileMode AnyoneWrites = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private readonly string _folder;
    private readonly BoundedCapture _capture;
    private Task? _reading;
    private FileStream? _keeper;
    private bool _abandoned;

    /// <summary>How long a writer may outlive the run before SYMAUG stops waiting for the report's end.</summary>
    private static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(10);

    private ReportPipe(string folder, long limitBytes)
    {
        _folder = folder;
        _capture = new BoundedCapture(limitBytes);
    }

    /// <summary>The FIFO's host path, for the accounting shell.</summary>
    public string HostPath => Path.Combine(_folder, "report.fifo");

    /// <summary>What arrived, at most the limit.</summary>
    public byte[] Bytes => _capture.Bytes;

    /// <summary>
    /// The report arrived whole: not cut at the limit, and ended when the run did. Anything else is no report.
    /// </summary>
    public bool Complete => !_capture.Truncated && !_abandoned;

    /// <summary>A fresh FIFO in a fresh root-only <paramref name="folder"/> (what was there before is removed).</summary>
    public static ReportPipe Create(string folder, long limitBytes)
    {
        Workspaces.OwnerOnlyFolder.CreateFresh(folder);
        var pipe = new ReportPipe(folder, limitBytes);
        if (mkfifo(pipe.HostPath, (uint)AnyoneWrites) != 0)
        {
            throw new IOException($"cannot create the report FIFO {pipe.HostPath}: errno {Marshal.GetLastPInvokeError()}");
        }
        File.SetUnixFileMode(pipe.HostPath, AnyoneWrites); // mkfifo's mode goes through the umask
        return pipe;
    }

    /// <summary>
    /// Starts reading, before the run starts. SYMAUG keeps a writer of its own open until the run has ended, so
    /// that neither side's open blocks on the other and the report's end is the end of the run, not the first
    /// writer's close.
    /// </summary>
    public void Connect()
    {
        _reading = Task.Run(async () =>
        {
            await using var reader = new FileStream(HostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            await _capture.ReadToEndAsync(reader, () => { });
        });
        _keeper = new FileStream(HostPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
    }

    /// <summary>
    /// Once the run has ended: reads what is left, up to the end. Every writer in the sandbox dies with it; one that
    /// somehow did not would hold the end back, so SYMAUG waits a grace period and then takes it as no report.
    /// </summary>
    public async Task DisconnectAsync()
    {
        if (_keeper is null || _reading is null) return;
        await _keeper.DisposeAsync();
        try
        {
            await _reading.WaitAsync(EndGrace);
        }
        catch (TimeoutException)
        {
            _abandoned = true;
        }
    }

    public void Dispose()
    {
        _keeper?.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int mkfifo(string path, uint mode);
}
