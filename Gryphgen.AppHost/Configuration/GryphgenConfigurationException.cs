namespace Gryphgen.AppHost.Configuration;

/// <summary>The AppHost's configuration cannot work; the message lists every problem and what to do.</summary>
public sealed class GryphgenConfigurationException(IReadOnlyList<string> problems)
    : Exception("GRYPHGEN cannot start:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
