using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorg;

/// <summary>SYMORG's settings (section <c>Symorg</c>).</summary>
public sealed class SymorgOptions
{
    public const string Section = "Symorg";

    /// <summary>Folders under which <c>IngestPath</c> may read; empty: ingestion from SYMORG's disk is off.</summary>
    public string[] AllowedRoots { get; set; } = [];

    /// <summary>Files above this size are skipped.</summary>
    public long MaxFileBytes { get; set; } = 1 << 20;

    /// <summary>The most an uploaded archive may be, compressed and unpacked.</summary>
    public long MaxArchiveBytes { get; set; } = 256L << 20;

    public long MaxUnpackedBytes { get; set; } = 1L << 30;

    /// <summary>HNSW candidate list per query (pgvector's <c>hnsw.ef_search</c>): higher finds more of the true nearest.</summary>
    public int EfSearch { get; set; } = 100;

    /// <summary>Texts per call to the embedding model.</summary>
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>
    /// Whether a collection's embedding endpoint may be at a private or loopback address (a llama-server on this
    /// machine or the LAN). Link-local and cloud metadata addresses are refused either way.
    /// </summary>
    public bool AllowPrivateEmbeddingAddresses { get; set; } = true;

    /// <summary>The largest answer read from an embedding endpoint; a larger one fails the call.</summary>
    public long MaxEmbeddingResponseBytes { get; set; } = 16L << 20;

    /// <summary>
    /// How long an embedding endpoint may take to send its answer's headers (an embeddings answer comes whole, so
    /// this bounds the embedding itself); past it the call fails with this setting's name.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan EmbeddingFirstByteTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
