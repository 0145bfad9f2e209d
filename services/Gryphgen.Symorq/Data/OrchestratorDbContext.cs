using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Data;

/// <summary>
/// SYMORQ's tables in the shared GRYPHGEN database. Its migrations have their own history table, so SYMORQ and
/// SYMORG migrate the same database independently.
/// </summary>
public sealed class OrchestratorDbContext(DbContextOptions<OrchestratorDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__symorq_migrations";

    public DbSet<EndpointRecord> Endpoints => Set<EndpointRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<EndpointRecord>(e =>
        {
            e.ToTable("grid_endpoints");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(40);
            e.Property(x => x.Url).HasColumnName("url").HasMaxLength(2000);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(20);
            e.Property(x => x.ApiKey).HasColumnName("api_key").HasMaxLength(4096);
            e.Property(x => x.Models).HasColumnName("models");
            e.Property(x => x.Weight).HasColumnName("weight");
            e.Property(x => x.Slots).HasColumnName("slots");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
        });
    }
}
