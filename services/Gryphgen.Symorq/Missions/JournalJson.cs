using System.Text.Json;

namespace Gryphgen.Symorq.Missions;

/// <summary>How the journal stores JSON: a task's validated <see cref="TaskSpec"/> and each step's output.</summary>
public static class JournalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
