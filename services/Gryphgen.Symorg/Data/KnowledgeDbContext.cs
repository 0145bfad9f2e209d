using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorg.Data;

/// <summary>SYMORG's store in PostgreSQL with the pgvector extension.</summary>
public sealed class KnowledgeDbContext(DbContextOptions<KnowledgeDbContext> options) : DbContext(options)
{
    public DbSet<Collection> Collections => Set<Collection>();

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
            e.Property(c => c.Dimension).HasColumnName("dimension");
            e.Property(c => c.CreatedAt).HasColumnName("created_at");
        });
    }
}
