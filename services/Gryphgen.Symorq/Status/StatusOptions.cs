using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorq.Status;

/// <summary>What status checks beyond asking each component (<c>Gryphgen:Status:*</c>).</summary>
public sealed class StatusOptions
{
    public const string Section = "Gryphgen:Status";

    /// <summary>
    /// A folder on the file system PostgreSQL keeps its data on, where this replica can see it (the AppHost's local
    /// mode sets its cluster's data folder); unset, the database's disk is not checked.
    /// </summary>
    public string? DatabaseDisk { get; set; }

    /// <summary>How the AppHost runs the infrastructure (<c>local</c>, or <c>containers on podman 4.3.1</c>); unset when nothing says.</summary>
    public string? Infrastructure { get; set; }

    /// <summary>Free bytes under <see cref="DatabaseDisk"/> below which the database is reported unhealthy: a full disk stops every service.</summary>
    [Range(0, long.MaxValue, ErrorMessage = "Gryphgen:Status:DatabaseMinFreeBytes must not be negative")]
    public long DatabaseMinFreeBytes { get; set; } = 2L << 30;
}
