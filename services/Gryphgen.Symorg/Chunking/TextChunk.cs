namespace Gryphgen.Symorg.Chunking;

/// <summary>A piece of a document: where it sits (<paramref name="Header"/>), its text and its 1-based line range.</summary>
public sealed record TextChunk(string Header, string Text, int StartLine, int EndLine);
