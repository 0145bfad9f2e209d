using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorq.Downstream;

/// <summary>
/// How long SYMORQ waits on SYMORG and SYMAUG when the caller set no deadline (<see cref="DownstreamDeadlines"/>):
/// a stopped or wedged peer that accepts connections and never answers must not hold a task, a watch or a forwarded
/// call for ever. The workflow treats a deadline passed as a transient fault and waits for recovery.
/// </summary>
public sealed class DownstreamOptions
{
    public const string Section = "Gryphgen:Internal";

    /// <summary>A call that does its work and answers (file reads, search, context building: embedding can be slow).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Gryphgen:Internal:CallTimeout must be between {1} and {2}")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A call that runs the generated code or moves a whole project (run, test, checkpoint, export, archive, ingestion): above
    /// SYMAUG's longest sandboxed run (<c>Symaug:Sandbox:MaxTimeLimitSeconds</c>, 10 min) with the acceptance tests on top.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Gryphgen:Internal:LongCallTimeout must be between {1} and {2}")]
    public TimeSpan LongCallTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
