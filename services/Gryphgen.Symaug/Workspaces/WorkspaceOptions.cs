using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symaug.Workspaces;

/// <summary>Where workspaces live on disk and how much a workspace may hold.</summary>
public sealed class WorkspaceOptions : IValidatableObject
{
    public const string Section = "Workspaces";

    /// <summary>The folder that holds one folder per workspace (the AppHost passes one under its state folder).</summary>
    public string Root { get; set; } = Path.Combine(Path.GetTempPath(), "gryphgen-workspaces");

    /// <summary>Largest file that can be written or read through the API.</summary>
    public long MaxFileBytes { get; set; } = 4 << 20;

    /// <summary>Most files a workspace may hold after a write.</summary>
    public int MaxFiles { get; set; } = 2000;

    /// <summary>Longest relative path accepted.</summary>
    public int MaxPathLength { get; set; } = 1024;

    /// <summary>Longest diff returned; the rest is cut and flagged.</summary>
    public int MaxDiffBytes { get; set; } = 1 << 20;

    /// <summary>Bytes of regular files one workspace may hold (see <see cref="WorkspaceQuota"/>).</summary>
    public long QuotaBytes { get; set; } = 1L << 30;

    /// <summary>Entries (files, folders, links) one workspace may hold: each takes an inode.</summary>
    public long QuotaFiles { get; set; } = 100_000;

    /// <summary>Free bytes under <see cref="Root"/> below which SYMAUG runs nothing (see <see cref="DiskFloor"/>).</summary>
    public long MinFreeBytes { get; set; } = 2L << 30;

    /// <summary>Free inodes under <see cref="Root"/> below which SYMAUG runs nothing.</summary>
    public long MinFreeInodes { get; set; } = 100_000;

    public WorkspaceQuota Quota => new(QuotaBytes, QuotaFiles);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (QuotaBytes < MaxFileBytes) yield return Error(nameof(QuotaBytes), $"must be at least Workspaces:MaxFileBytes ({MaxFileBytes}; got {QuotaBytes})");
        if (QuotaFiles < MaxFiles) yield return Error(nameof(QuotaFiles), $"must be at least Workspaces:MaxFiles ({MaxFiles}; got {QuotaFiles})");
        if (MinFreeBytes < 0) yield return Error(nameof(MinFreeBytes), $"must not be negative (got {MinFreeBytes})");
        if (MinFreeInodes < 0) yield return Error(nameof(MinFreeInodes), $"must not be negative (got {MinFreeInodes})");
    }

    private static ValidationResult Error(string key, string problem) => new($"{Section}:{key} {problem}", [key]);
}
