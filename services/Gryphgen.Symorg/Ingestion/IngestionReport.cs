namespace Gryphgen.Symorg.Ingestion;

/// <summary>What one ingestion did, document by document.</summary>
public sealed class IngestionReport
{
    public int Added { get; set; }

    public int Updated { get; set; }

    public int Unchanged { get; set; }

    public int Deleted { get; set; }

    public int ChunksWritten { get; set; }

    public List<(string Path, string Reason)> Skipped { get; } = [];
}
