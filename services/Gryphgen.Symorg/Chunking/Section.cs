namespace Gryphgen.Symorg.Chunking;

/// <summary>
/// Where a structural unit starts (1-based line) and the names that enclose it, itself last:
/// <c>["class Parser", "Parse()"]</c>, or the heading path of a Markdown section.
/// </summary>
public sealed record Section(int StartLine, IReadOnlyList<string> Path);
