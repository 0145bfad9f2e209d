using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Status;

/// <summary>Shorthands for building <see cref="ComponentStatus"/> rows.</summary>
public static class ComponentStatuses
{
    public static ComponentStatus Create(string name, string kind, bool healthy, string detail, bool required = true,
        IEnumerable<KeyValuePair<string, string>>? facts = null)
    {
        var status = new ComponentStatus
        {
            Name = name, Kind = kind, Healthy = healthy, Detail = detail, Required = required,
            TraceId = GryphgenTelemetry.CurrentTraceId,
        };
        if (facts is not null) status.Facts.Add(facts.ToDictionary());
        return status;
    }
}
