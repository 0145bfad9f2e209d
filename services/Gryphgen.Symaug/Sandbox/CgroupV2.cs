namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// cgroup v2 (most production hosts): one hierarchy, SYMAUG's parent group under this process's own group. A group
/// with processes cannot hand controllers to children, so where SYMAUG's own group has processes, they move into a
/// leaf beside the parent first (what systemd's delegation asks of a service).
/// </summary>
public sealed class CgroupV2(string subPath) : ICgroupHierarchy
{
    private const string Controllers = "+memory +pids +cpu", ServiceLeaf = "symaug";

    public static bool Mounted => File.Exists(Path.Combine(OwnCgroup.Mount, "cgroup.controllers"));

    private readonly string _own = Path.Combine(OwnCgroup.Mount, OwnCgroup.PathOf(""));

    public string Name => "cgroup v2";

    public IReadOnlyList<string> Parents => [Path.Combine(_own, subPath)];

    public void Prepare()
    {
        if (File.ReadAllText(Path.Combine(_own, "cgroup.procs")).Trim().Length > 0 && _own != OwnCgroup.Mount)
        {
            var leaf = Directory.CreateDirectory(Path.Combine(_own, ServiceLeaf)).FullName;
            foreach (var pid in File.ReadAllLines(Path.Combine(_own, "cgroup.procs"))) OwnCgroup.Write(leaf, "cgroup.procs", pid);
        }
        // Each level from SYMAUG's own group down to the parent hands the controllers on.
        var folder = _own;
        foreach (var segment in subPath.Split('/'))
        {
            OwnCgroup.Write(folder, "cgroup.subtree_control", Controllers);
            folder = Directory.CreateDirectory(Path.Combine(folder, segment)).FullName;
        }
        OwnCgroup.Write(folder, "cgroup.subtree_control", Controllers);
    }

    public void Limit(string group, CgroupLimits limits)
    {
        var folder = Path.Combine(Parents[0], group);
        OwnCgroup.Write(folder, "memory.max", $"{limits.MemoryBytes}");
        if (File.Exists(Path.Combine(folder, "memory.swap.max"))) OwnCgroup.Write(folder, "memory.swap.max", "0");
        OwnCgroup.Write(folder, "memory.oom.group", "1"); // the OOM killer takes the whole run, not one process of it
        OwnCgroup.Write(folder, "pids.max", $"{limits.Pids}");
        OwnCgroup.Write(folder, "cpu.max", $"{limits.CpuQuotaMicroseconds} {CgroupLimits.CpuPeriodMicroseconds}");
    }

    public bool OomKilled(string group) => OwnCgroup.Counter(Path.Combine(Parents[0], group, "memory.events"), "oom_kill") > 0;
}
