using Gryphgen.Contracts;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Holds this SYMAUG's uid pool host-wide for as long as it runs. Two SYMAUGs on one host with their own workspace
/// roots would otherwise hand the same uid to two workspaces, and one's tasks could then signal the other's
/// processes, write its files and use up its process limit (the kernel counts that per uid); so a SYMAUG whose pool
/// overlaps a running one's refuses to start. A claim is a file named after its pool in <see cref="Folder"/> (root's),
/// held under an exclusive lock (flock) that the kernel drops when the process ends, however it ends: a claim
/// whose lock can be taken was left by a SYMAUG that died, and is removed.
/// </summary>
public sealed class SandboxPoolClaim(IOptions<SandboxOptions> options) : IHostedService, IDisposable
{
    public const string Folder = "/run/gryphgen-symaug/uid-pools";

    private static readonly TimeSpan GuardPatience = TimeSpan.FromSeconds(30);

    private FileStream? _held;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!ProcessUser.IsRoot) return; // no pool where SYMAUG is not root
        var pool = UidRange.Of(options.Value);
        Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Serialises SYMAUGs starting together, so that two never both find the other's pool unclaimed.
        using var guard = await LockAsync(Path.Combine(Folder, ".guard"), cancellationToken);
        foreach (var file in Directory.EnumerateFiles(Folder, "*.claim"))
        {
            if (UidRange.FromClaim(file) is not { } other || !other.Overlaps(pool)) continue;
            if (TryLock(file) is not { } stale)
            {
                throw new InvalidOperationException(
                    $"{SandboxOptions.Section}:UidPoolStart/UidPoolSize (uids {pool}) overlap the pool of another SYMAUG running on this host " +
                    $"(uids {other}, {file}): workspaces of both would share uids, so each SYMAUG on a host needs a pool of its own");
            }
            File.Delete(file);
            stale.Dispose();
        }
        _held = TryLock(Path.Combine(Folder, pool.ClaimName(Environment.ProcessId)))
                ?? throw new InvalidOperationException($"the claim of uids {pool} in {Folder} is locked by another process");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        if (_held is null) return;
        File.Delete(_held.Name);
        _held.Dispose();
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + GuardPatience;
        while (true)
        {
            if (TryLock(path) is { } locked) return locked;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} stayed locked for {GuardPatience.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>The file, held under an exclusive flock (which .NET takes on Unix for FileShare.None), or null while another holds it.</summary>
    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    private sealed record UidRange(int First, int Last)
    {
        public static UidRange Of(SandboxOptions pool) => new(pool.UidPoolStart, pool.UidPoolStart + pool.UidPoolSize - 1);

        /// <summary>The range a claim file's name ("FIRST-LAST.PID.claim") holds; null for a name SYMAUG did not write.</summary>
        public static UidRange? FromClaim(string path) =>
            Path.GetFileName(path).Split('.')[0].Split('-') is [var first, var last] && int.TryParse(first, out var f) && int.TryParse(last, out var l)
                ? new UidRange(f, l)
                : null;

        public bool Overlaps(UidRange other) => First <= other.Last && other.First <= Last;

        public string ClaimName(int pid) => $"{First}-{Last}.{pid}.claim";

        public override string ToString() => $"{First}–{Last}";
    }
}
