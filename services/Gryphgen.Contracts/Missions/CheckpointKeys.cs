using System.Text.RegularExpressions;

namespace Gryphgen.Contracts.Missions;

/// <summary>
/// The names a caller gives its checkpoints (<c>CheckpointRequest.key</c>), so that a step repeated after a crash
/// finds the checkpoint it made instead of making a second.
/// </summary>
public static partial class CheckpointKeys
{
    public const int MaxLength = 64;

    /// <summary>The checkpoint of a task's iteration: one per iteration, whatever replica runs the step.</summary>
    public static string ForIteration(int iteration) => $"iteration-{iteration}";

    public static bool IsValid(string key) => key.Length <= MaxLength && Shape().IsMatch(key);

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex Shape();
}
