using System.Collections.Concurrent;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// A worker the broker has admitted, keyed by its ZeroMQ identity; <paramref name="Enrollment"/> is the name of the
/// enrolled credential that admitted it (null for a configured one), whose revocation drops it.
/// </summary>
public sealed record ConnectedWorker(string Key, byte[] Identity, WorkerHello Hello, DateTimeOffset ConnectedAt, string? Enrollment = null)
{
    public DateTimeOffset LastSeen { get; set; } = ConnectedAt;

    public string Role => Hello.Role.ToName();
}

/// <summary>
/// The workers that are alive: only those that presented a valid credential, at most a configured number per role.
/// Written by the broker's poller thread, read by anyone (status, dispatch).
/// </summary>
public sealed class WorkerRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConnectedWorker> _workers = new();

    public static string KeyOf(byte[] identity) => Convert.ToHexString(identity);

    public IReadOnlyList<ConnectedWorker> Snapshot() => [.. _workers.Values.OrderBy(w => w.Role).ThenBy(w => w.ConnectedAt)];

    /// <summary>
    /// Adds or replaces the worker behind <paramref name="identity"/>; null when its role already has
    /// <paramref name="maxPerRole"/> other workers.
    /// </summary>
    public ConnectedWorker? Register(byte[] identity, WorkerHello hello, int maxPerRole, string? enrollment = null)
    {
        var key = KeyOf(identity);
        if (_workers.Values.Count(w => w.Key != key && w.Hello.Role == hello.Role) >= maxPerRole) return null;
        var worker = new ConnectedWorker(key, identity, hello, time.GetUtcNow(), enrollment);
        _workers[key] = worker;
        return worker;
    }

    /// <summary>Records that the worker spoke; false when it is unknown (it must say hello first).</summary>
    public bool Touch(byte[] identity)
    {
        if (!_workers.TryGetValue(KeyOf(identity), out var worker)) return false;
        worker.LastSeen = time.GetUtcNow();
        return true;
    }

    public ConnectedWorker? Find(byte[] identity) => _workers.GetValueOrDefault(KeyOf(identity));

    /// <summary>
    /// The same worker registered at another identity: one that says the same worker id for the same role with the
    /// same credential. A DEALER that reconnects gets a new identity, and its earlier one lingers until it expires.
    /// </summary>
    public ConnectedWorker? Earlier(byte[] identity, WorkerHello hello, string? enrollment)
    {
        var key = KeyOf(identity);
        return _workers.Values.FirstOrDefault(w => w.Key != key && w.Hello.Role == hello.Role
            && w.Hello.WorkerId == hello.WorkerId && w.Enrollment == enrollment);
    }

    public bool Remove(byte[] identity) => _workers.TryRemove(KeyOf(identity), out _);

    /// <summary>Removes and returns the workers silent for longer than <paramref name="expiry"/>.</summary>
    public IReadOnlyList<ConnectedWorker> RemoveExpired(TimeSpan expiry)
    {
        var deadline = time.GetUtcNow() - expiry;
        var expired = _workers.Values.Where(w => w.LastSeen < deadline).ToList();
        foreach (var worker in expired) _workers.TryRemove(worker.Key, out _);
        return expired;
    }
}
