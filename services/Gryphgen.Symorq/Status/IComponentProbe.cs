using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Status;

/// <summary>Checks one part of the system for <c>GetStatus</c>; may report several components.</summary>
public interface IComponentProbe
{
    /// <summary>What the report is called when the probe itself fails or times out.</summary>
    string Name { get; }

    string Kind { get; }

    Task<IReadOnlyList<ComponentStatus>> ProbeAsync(CancellationToken cancellationToken);
}
