namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// cgroup v1 (hybrid hosts such as this one): the memory, pids and cpu controllers each mounted on their own, and
/// SYMAUG's parent group under this process's own group in each, so the limits above SYMAUG still hold for its runs.
/// </summary>
public sealed class CgroupV1(string subPath) : ICgroupHierarchy
{
    private static readonly string[] Controllers = ["memory", "pids", "cpu"];

    public static bool Mounted => Controllers.All(c => Directory.Exists(Path.Combine(OwnCgroup.Mount, c)));

    public string Name => "cgroup v1";

    public IReadOnlyList<string> Parents { get; } =
        [.. Controllers.Select(c => Path.Combine(OwnCgroup.Mount, c, OwnCgroup.PathOf(c), subPath))];

    public void Prepare()
    {
        foreach (var parent in Parents) Directory.CreateDirectory(parent);
    }

    public void Limit(string group, CgroupLimits limits)
    {
        var (memory, pids, cpu) = (Folder(0, group), Folder(1, group), Folder(2, group));
        OwnCgroup.Write(memory, "memory.limit_in_bytes", $"{limits.MemoryBytes}");
        // With swap accounting, memory + swap as well: otherwise the group swaps past its limit.
        if (File.Exists(Path.Combine(memory, "memory.memsw.limit_in_bytes"))) OwnCgroup.Write(memory, "memory.memsw.limit_in_bytes", $"{limits.MemoryBytes}");
        OwnCgroup.Write(pids, "pids.max", $"{limits.Pids}");
        OwnCgroup.Write(cpu, "cpu.cfs_period_us", $"{CgroupLimits.CpuPeriodMicroseconds}");
        OwnCgroup.Write(cpu, "cpu.cfs_quota_us", $"{limits.CpuQuotaMicroseconds}");
    }

    public bool OomKilled(string group) => OwnCgroup.Counter(Path.Combine(Folder(0, group), "memory.oom_control"), "oom_kill") > 0;

    private string Folder(int controller, string group) => Path.Combine(Parents[controller], group);
}
