namespace Gryphgen.Symorg.Retrieval;

/// <summary>One retrieved chunk with where it came from and its score in the list it came from.</summary>
public sealed record SearchHitRow(long ChunkId, string Collection, string SourceUri, string Language, string Header,
    string Text, int StartLine, int EndLine, double Score);
