using Gryphgen.Symorg.Chunking;

namespace Gryphgen.Symorg.Ingestion;

/// <summary>A new or changed document, chunked and waiting for its embeddings.</summary>
public sealed record PreparedDocument(string SourceUri, string ContentHash, string Language, bool Replaces,
    IReadOnlyList<TextChunk> Chunks, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>What is embedded for a chunk: its header (file and enclosing names) and its text.</summary>
    public static string EmbeddingInput(TextChunk chunk) => $"{chunk.Header}\n{chunk.Text}";
}
