using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorg.Data;

/// <summary>SYMORG's store in PostgreSQL with the pgvector extension.</summary>
public sealed class KnowledgeDbContext(DbContextOptions<KnowledgeDbContext> options) : DbContext(options)
{
    /// <summary>The text search configuration of the generated column and of every full-text query.</summary>
    public const string TextSearchConfig = "english";

    public DbSet<Collection> Collections => Set<Collection>();

    public DbSet<Document> Documents => Set<Document>();

    public DbSet<Chunk> Chunks => Set<Chunk>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("vector");
        modelBuilder.Entity<Collection>(e =>
        {
            e.ToTable("collections");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasColumnName("id");
            e.Property(c => c.Name).HasColumnName("name").HasMaxLength(Collection.MaxNameLength);
            e.HasIndex(c => c.Name).IsUnique();
            e.Property(c => c.EmbeddingModel).HasColumnName("embedding_model").HasMaxLength(200);
            e.Property(c => c.EmbeddingEndpoint).HasColumnName("embedding_endpoint").HasMaxLength(500);
            e.Property(c => c.Dimension).HasColumnName("dimension");
            e.Property(c => c.CreatedAt).HasColumnName("created_at");
        });
        modelBuilder.Entity<Document>(e =>
        {
            e.ToTable("documents");
            e.HasKey(d => d.Id);
            e.Property(d => d.Id).HasColumnName("id");
            e.Property(d => d.CollectionId).HasColumnName("collection_id");
            e.HasOne<Collection>().WithMany().HasForeignKey(d => d.CollectionId).OnDelete(DeleteBehavior.Cascade);
            e.Property(d => d.SourceUri).HasColumnName("source_uri");
            e.HasIndex(d => new { d.CollectionId, d.SourceUri }).IsUnique();
            e.Property(d => d.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
            e.Property(d => d.Language).HasColumnName("language").HasMaxLength(40);
            e.Property(d => d.Metadata).HasColumnName("metadata").HasColumnType("jsonb");
            e.Property(d => d.IngestedAt).HasColumnName("ingested_at");
        });
        modelBuilder.Entity<Chunk>(e =>
        {
            e.ToTable("chunks");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasColumnName("id");
            e.Property(c => c.DocumentId).HasColumnName("document_id");
            e.HasOne<Document>().WithMany().HasForeignKey(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
            e.Property(c => c.CollectionId).HasColumnName("collection_id");
            e.HasIndex(c => c.CollectionId);
            e.Property(c => c.Ordinal).HasColumnName("ordinal");
            e.Property(c => c.Header).HasColumnName("header");
            e.Property(c => c.Text).HasColumnName("text");
            e.Property(c => c.StartLine).HasColumnName("start_line");
            e.Property(c => c.EndLine).HasColumnName("end_line");
            e.Property(c => c.Embedding).HasColumnName("embedding").HasColumnType("vector");
            e.Property(c => c.SearchVector).HasColumnName("search_vector");
            e.HasGeneratedTsVectorColumn(c => c.SearchVector, TextSearchConfig, c => new { c.Header, c.Text })
                .HasIndex(c => c.SearchVector).HasMethod("GIN");
        });
    }
}
