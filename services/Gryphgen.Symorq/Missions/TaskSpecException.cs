namespace Gryphgen.Symorq.Missions;

/// <summary>A task specification that cannot be run, with every reason (one line each).</summary>
public sealed class TaskSpecException(IReadOnlyList<string> problems)
    : Exception($"invalid task specification: {string.Join("; ", problems)}")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
