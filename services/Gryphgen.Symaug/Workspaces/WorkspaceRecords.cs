using Gryphgen.Symaug.Data;
using Microsoft.Extensions.Caching.Memory;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// Workspace records as read from PostgreSQL, kept in memory. A record changes only when it is archived, and every
/// call of the workspace API starts by looking its workspace up: a database round trip per call, several per
/// iteration of a task. Archiving or deleting a workspace forgets it; at most <see cref="Capacity"/> are kept, unused ones dropped first.
/// </summary>
/// <remarks>
/// A workspace's files live on one SYMAUG's disk, so every call for it reaches this replica: no other replica can
/// delete it behind this cache's back.
/// </remarks>
public sealed class WorkspaceRecords : IDisposable
{
    public const int Capacity = 4096;
    private static readonly MemoryCacheEntryOptions Entry = new() { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(30) };
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public Workspace? Find(Guid id) => _cache.Get<Workspace>(id);

    public void Remember(Workspace workspace) => _cache.Set(workspace.Id, workspace, Entry);

    public void Forget(Guid id) => _cache.Remove(id);

    public void Dispose() => _cache.Dispose();
}
