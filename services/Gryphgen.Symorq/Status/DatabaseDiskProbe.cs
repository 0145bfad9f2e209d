using Gryphgen.Contracts;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Status;

/// <summary>
/// The space left on the disk PostgreSQL keeps its data on, where this replica can see it
/// (<see cref="StatusOptions.DatabaseDisk"/>): a full disk stops every service at once, so the status says so while
/// there is still room. Nothing is reported where the disk is not given (PostgreSQL elsewhere, or in a container).
/// </summary>
public sealed class DatabaseDiskProbe(IOptions<StatusOptions> options) : IComponentProbe
{
    public string Name => "postgres/disk";

    public string Kind => "disk";

    public Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken)
    {
        var (folder, floor) = (options.Value.DatabaseDisk, options.Value.DatabaseMinFreeBytes);
        if (string.IsNullOrEmpty(folder)) return Task.FromResult<IReadOnlyList<ComponentStatus>>([]);
        var free = new DriveInfo(folder).AvailableFreeSpace;
        var healthy = free >= floor;
        var detail = healthy ? $"{free >> 20} MiB free under {folder}"
            : $"only {free} bytes free under {folder}, below Gryphgen:Status:DatabaseMinFreeBytes ({floor}): PostgreSQL stops when it fills";
        return Task.FromResult<IReadOnlyList<ComponentStatus>>(
            [ComponentStatuses.Create(Name, Kind, healthy, detail, facts: [new("free_bytes", free.ToString()), new("folder", folder)])]);
    }
}
