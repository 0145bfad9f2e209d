using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>Whether runs get a cgroup here, and if not, what they lose.</summary>
public sealed record CgroupAvailability(bool Available, string Detail);

/// <summary>
/// A cgroup per run (memory, pids, CPU quota) under SYMAUG's own parent group <c>gryphgen-symaug/&lt;owner&gt;</c>,
/// created before the run and removed, with everything still in it killed, after it; at SYMAUG's shutdown every live
/// group is killed, and at its start whatever groups an earlier SYMAUG on the same root left. Where no hierarchy is
/// SYMAUG's to write, runs keep only the rlimits and the health says so.
/// </summary>
public sealed partial class RunCgroups : IDisposable
{
    private const string RunPrefix = "run-";
    private static readonly TimeSpan KillPatience = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _clock;
    private readonly CgroupLimits _limits;
    private readonly ICgroupHierarchy? _hierarchy;
    private readonly ConcurrentDictionary<string, RunCgroup> _live = new();

    public CgroupAvailability Availability { get; }

    public RunCgroups(IOptions<SandboxOptions> options, SandboxOwner owner, TimeProvider clock)
    {
        _clock = clock;
        var o = options.Value;
        _limits = new CgroupLimits(o.MemoryBytes, o.Pids, o.CpuPercent);
        var subPath = $"gryphgen-symaug/{owner.Value}";
        var limits = $"memory {o.MemoryBytes} bytes, {o.Pids} processes, {o.CpuPercent}% of a core per run";
        try
        {
            ICgroupHierarchy hierarchy = CgroupV2.Mounted ? new CgroupV2(subPath)
                : CgroupV1.Mounted ? new CgroupV1(subPath)
                : throw new IOException($"neither cgroup v2 nor the v1 memory, pids and cpu controllers are mounted at {OwnCgroup.Mount}");
            hierarchy.Prepare();
            _hierarchy = hierarchy;
            Availability = new(true, $"{hierarchy.Name} ({limits}) under {string.Join(", ", hierarchy.Parents)}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Availability = new(false, $"no cgroup for runs ({ex.Message}): a run's memory, process count and CPU are bounded only per process " +
                                      "(address space, the user's process limit, CPU time), not as a whole; run SYMAUG as root on a host whose cgroups it may write");
        }
    }

    /// <summary>SYMAUG's parent group folders (none without cgroups).</summary>
    public IReadOnlyList<string> Parents => _hierarchy?.Parents ?? [];

    /// <summary>A new group for one run with the configured limits, or null where runs get none.</summary>
    public RunCgroup? Create()
    {
        if (_hierarchy is null) return null;
        var name = RunPrefix + Guid.NewGuid().ToString("N");
        var group = new RunCgroup(this, _hierarchy, name);
        foreach (var parent in _hierarchy.Parents) Directory.CreateDirectory(Path.Combine(parent, name));
        _live[name] = group;
        try
        {
            _hierarchy.Limit(name, _limits);
        }
        catch
        {
            group.Dispose();
            throw;
        }
        return group;
    }

    /// <summary>Kills and removes the groups an earlier SYMAUG left (it was killed before it could).</summary>
    public int RemoveLeftovers()
    {
        var names = Parents.Where(Directory.Exists).SelectMany(Directory.EnumerateDirectories).Select(Path.GetFileName)
            .Where(name => name!.StartsWith(RunPrefix, StringComparison.Ordinal) && !_live.ContainsKey(name)).Distinct().ToList();
        foreach (var name in names) KillAndRemove(name!);
        return names.Count;
    }

    /// <summary>Kills every run's processes (SYMAUG stops): the runs then end and remove their groups.</summary>
    public void KillAll()
    {
        foreach (var name in _live.Keys) KillAndRemove(name);
    }

    internal void KillAndRemove(string name)
    {
        var folders = Parents.Select(parent => Path.Combine(parent, name)).Where(Directory.Exists).ToList();
        var deadline = _clock.GetUtcNow() + KillPatience;
        // A fork bomb makes processes while they are killed: kill what is there until nothing is.
        while (folders.SelectMany(Members).ToList() is { Count: > 0 } pids)
        {
            foreach (var pid in pids) _ = kill(pid, SigKill);
            if (_clock.GetUtcNow() > deadline) throw new IOException($"the processes of cgroup {name} do not die");
            Thread.Sleep(20);
        }
        foreach (var folder in folders) RemoveEmpty(folder, deadline);
        _live.TryRemove(name, out _);
    }

    private static IEnumerable<int> Members(string folder)
    {
        try
        {
            return File.ReadAllLines(Path.Combine(folder, "cgroup.procs")).Select(int.Parse);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return []; // removed meanwhile (a run's end and SYMAUG's shutdown remove it at once)
        }
    }

    // Killed processes leave the group a moment after their last signal: the folder is busy until then.
    private void RemoveEmpty(string folder, DateTimeOffset deadline)
    {
        while (Directory.Exists(folder))
        {
            try
            {
                Directory.Delete(folder);
                return;
            }
            catch (IOException) when (_clock.GetUtcNow() < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>SYMAUG stops: its parent groups go too, so they hold up no removal of the groups above.</summary>
    public void Dispose()
    {
        KillAll();
        foreach (var parent in Parents)
        {
            foreach (var folder in new[] { parent, Path.GetDirectoryName(parent)! })
            {
                try
                {
                    Directory.Delete(folder);
                }
                catch (IOException)
                {
                    break; // another SYMAUG's parent is still under it, or a leftover run
                }
            }
        }
    }

    private const int SigKill = 9;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}

/// <summary>One run's cgroup: the files that put a process into it, what the OOM killer did there, and its removal.</summary>
public sealed class RunCgroup(RunCgroups groups, ICgroupHierarchy hierarchy, string name) : IDisposable
{
    public string Name => name;

    /// <summary>The group's <c>cgroup.procs</c> in every hierarchy: a process that writes its pid to each is inside, and all it starts.</summary>
    public IReadOnlyList<string> ProcsFiles => [.. hierarchy.Parents.Select(p => Path.Combine(p, name, "cgroup.procs"))];

    /// <summary>
    /// Whether the OOM killer struck in the group. A group that is gone was removed with its run by a later SYMAUG's
    /// sweep (<see cref="SandboxSweep"/>): that run was killed, not by the OOM killer.
    /// </summary>
    public bool OomKilled
    {
        get
        {
            try
            {
                return hierarchy.OomKilled(name);
            }
            catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>Calls <paramref name="onOom"/> once the OOM killer has struck in the group.</summary>
    public IDisposable WatchOom(Action onOom) => RunWatch.Every(() => OomKilled, onOom);

    public void Dispose() => groups.KillAndRemove(name);
}
