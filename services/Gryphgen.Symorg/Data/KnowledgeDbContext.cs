using Gryphgen.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorg.Data;

/// <summary>SYMORG's store in PostgreSQL with the pgvector extension.</summary>
public sealed class KnowledgeDbContext(DbContextOptions<KnowledgeDbContext> options) : DbContext(options), IServiceDbContext
{
    public static string Schema => "symorg";

    /// <summary>SYMORG was first to migrate the shared database, so its history took EF Core's default place.</summary>
    public static string LegacyHistoryTable => "public.__EFMigrationsHistory";

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
            e.Property(c => c.Name).HasMaxLength(Collection.MaxNameLength);
            e.HasIndex(c => c.Name).IsUnique();
            e.Property(c => c.EmbeddingModel).HasMaxLength(200);
            e.Property(c => c.EmbeddingEndpoint).HasMaxLength(500);
        });
        modelBuilder.Entity<Document>(e =>
        {
            e.ToTable("documents");
            e.HasKey(d => d.Id);
            e.HasOne<Collection>().WithMany().HasForeignKey(d => d.CollectionId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(d => new { d.CollectionId, d.SourceUri }).IsUnique();
            e.Property(d => d.ContentHash).HasMaxLength(64);
            e.Property(d => d.Language).HasMaxLength(40);
            e.Property(d => d.Metadata).HasColumnType("jsonb");
        });
        modelBuilder.Entity<Chunk>(e =>
        {
            e.ToTable("chunks");
            e.HasKey(c => c.Id);
            e.HasOne<Document>().WithMany().HasForeignKey(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => c.CollectionId);
            e.Property(c => c.Embedding).HasColumnType("vector");
            e.HasGeneratedTsVectorColumn(c => c.SearchVector, TextSearchConfig, c => new { c.Header, c.Text })
                .HasIndex(c => c.SearchVector).HasMethod("GIN");
        });
        modelBuilder.UseServiceConventions<KnowledgeDbContext>();
    }
}
