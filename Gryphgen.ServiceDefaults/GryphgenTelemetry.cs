using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>The one activity source and meter that GRYPHGEN's own spans and instruments are created from.</summary>
public static class GryphgenTelemetry
{
    public const string SourceName = "Gryphgen";

    public static readonly ActivitySource Source = new(SourceName);
    public static readonly Meter Meter = new(SourceName);

    /// <summary>The W3C trace id of the current activity, or empty when nothing is being traced.</summary>
    public static string CurrentTraceId => Activity.Current?.TraceId.ToHexString() ?? string.Empty;
}
