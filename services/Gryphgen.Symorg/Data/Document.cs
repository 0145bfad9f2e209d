namespace Gryphgen.Symorg.Data;

/// <summary>One ingested file (or recorded lesson) in a collection, identified by its source URI.</summary>
public sealed class Document
{
    public long Id { get; set; }

    public long CollectionId { get; set; }

    /// <summary>The source label followed by the path inside it, e.g. <c>myrepo/src/Program.cs</c>.</summary>
    public required string SourceUri { get; set; }

    /// <summary>SHA-256 of the file's bytes, hex; an unchanged hash means the document is skipped on re-ingest.</summary>
    public required string ContentHash { get; set; }

    public required string Language { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = [];

    public DateTimeOffset IngestedAt { get; set; }
}
