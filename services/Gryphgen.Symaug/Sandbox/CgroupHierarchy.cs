namespace Gryphgen.Symaug.Sandbox;

/// <summary>A run's limits as a cgroup applies them.</summary>
public sealed record CgroupLimits(long MemoryBytes, int Pids, int CpuPercent)
{
    /// <summary>The CFS period both cgroup versions measure the CPU quota in.</summary>
    public const int CpuPeriodMicroseconds = 100_000;

    public long CpuQuotaMicroseconds => (long)CpuPercent * CpuPeriodMicroseconds / 100;
}

/// <summary>
/// The cgroup file system as this host has it: where SYMAUG's parent group is (one folder per controller on v1, one
/// on v2) and how a group's limits and out-of-memory kills are written and read there.
/// </summary>
public interface ICgroupHierarchy
{
    /// <summary>"cgroup v1" or "cgroup v2", for SYMAUG's health.</summary>
    string Name { get; }

    /// <summary>SYMAUG's parent group, one folder per mounted hierarchy; a run's group is a folder of the same name under each.</summary>
    IReadOnlyList<string> Parents { get; }

    /// <summary>Creates the parent group with the controllers a run needs; throws where the hierarchy is not SYMAUG's to write.</summary>
    void Prepare();

    /// <summary>Writes the limits into a run's new group (its folders under every parent exist).</summary>
    void Limit(string group, CgroupLimits limits);

    /// <summary>Whether the kernel's OOM killer killed a process of the group.</summary>
    bool OomKilled(string group);
}

/// <summary>The current process's cgroup paths, from /proc/self/cgroup ("id:controllers:path" lines).</summary>
public static class OwnCgroup
{
    public const string Mount = "/sys/fs/cgroup";

    /// <summary>The path of this process's group in the hierarchy that has <paramref name="controller"/> ("" is v2's).</summary>
    public static string PathOf(string controller) =>
        File.ReadLines("/proc/self/cgroup").Select(line => line.Split(':', 3))
            .Where(fields => fields.Length == 3 && fields[1].Split(',').Contains(controller))
            .Select(fields => fields[2].TrimStart('/')).FirstOrDefault()
        ?? throw new IOException($"this process is in no cgroup with the {(controller == "" ? "unified hierarchy" : controller + " controller")}");

    public static void Write(string folder, string file, string value) => File.WriteAllText(Path.Combine(folder, file), value);

    /// <summary>The number after <paramref name="key"/> in a flat keyed file (memory.events, memory.oom_control).</summary>
    public static long Counter(string file, string key) =>
        File.ReadLines(file).Select(line => line.Split(' ')).Where(f => f.Length == 2 && f[0] == key)
            .Select(f => long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
}
