namespace Gryphgen.Symorg.Data;

/// <summary>A named body of knowledge; its embedding model and dimension are fixed when it is created.</summary>
public sealed class Collection
{
    public const int MaxNameLength = 100;

    public long Id { get; set; }

    public required string Name { get; set; }

    public required string EmbeddingModel { get; set; }

    /// <summary>An OpenAI-compatible base URL serving <c>/v1/embeddings</c>; null for the embedded model.</summary>
    public string? EmbeddingEndpoint { get; set; }

    public int Dimension { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
