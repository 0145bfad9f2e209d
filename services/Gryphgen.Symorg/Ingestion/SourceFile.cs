namespace Gryphgen.Symorg.Ingestion;

/// <summary>A file found under an ingestion root: its path relative to the root ('/'-separated) and on disk.</summary>
public sealed record SourceFile(string RelativePath, string FullPath);
