namespace Gryphgen.Symorg.Ingestion;

/// <summary>A file read for ingestion: its text and content hash, or why it is skipped.</summary>
public sealed record ScreenedFile(string? Text, string ContentHash, string? SkipReason);
