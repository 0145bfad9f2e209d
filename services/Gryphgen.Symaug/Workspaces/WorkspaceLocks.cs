using System.Collections.Concurrent;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// One operation at a time per workspace: a write must not race a run that could swap a folder for a symlink,
/// and a checkpoint must commit what its tests saw.
/// </summary>
public sealed class WorkspaceLocks
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _locks = new();

    public async Task<IDisposable> AcquireAsync(Guid workspace, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(workspace, _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken);
        return new Release(semaphore);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
