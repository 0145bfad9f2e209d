using System.Collections.Concurrent;

namespace Gryphgen.Agents.Tests;

/// <summary>Keeps every progress note, synchronously (<see cref="Progress{T}"/> would post them later).</summary>
public sealed class RecordingProgress : IProgress<string>
{
    public ConcurrentQueue<string> Notes { get; } = new();

    public void Report(string value) => Notes.Enqueue(value);
}
