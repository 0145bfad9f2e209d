using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symaug.Data;

/// <summary>
/// SYMAUG's metadata in PostgreSQL, in its own schema with its own migrations history, so it shares the
/// database with SYMORG without either touching the other's tables or migrations.
/// </summary>
public sealed class WorkspaceDbContext(DbContextOptions<WorkspaceDbContext> options) : DbContext(options)
{
    public const string Schema = "symaug";

    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<Checkpoint> Checkpoints => Set<Checkpoint>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<Workspace>(e =>
        {
            e.ToTable("workspaces");
            e.HasKey(w => w.Id);
            e.Property(w => w.Id).HasColumnName("id");
            e.Property(w => w.TaskId).HasColumnName("task_id").HasMaxLength(Workspace.MaxTaskIdLength);
            e.HasIndex(w => w.TaskId);
            e.Property(w => w.AcceptanceCommand).HasColumnName("acceptance_command");
            e.Property(w => w.AcceptanceFormat).HasColumnName("acceptance_format").HasConversion<string>().HasMaxLength(20);
            e.Property(w => w.ProtectedPaths).HasColumnName("protected_paths");
            e.Property(w => w.SeedSha256).HasColumnName("seed_sha256");
            e.Property(w => w.AllowedHarnessFiles).HasColumnName("allowed_harness_files");
            e.Property(w => w.Image).HasColumnName("image").HasMaxLength(Gryphgen.Contracts.Sandbox.ContainerImageNames.MaxLength);
            e.Property(w => w.CreatedAt).HasColumnName("created_at");
            e.HasMany(w => w.Checkpoints).WithOne().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Checkpoint>(e =>
        {
            e.ToTable("checkpoints");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasColumnName("id");
            e.Property(c => c.WorkspaceId).HasColumnName("workspace_id");
            e.Property(c => c.Commit).HasColumnName("commit").HasMaxLength(64);
            e.HasIndex(c => new { c.WorkspaceId, c.Commit });
            e.Property(c => c.Message).HasColumnName("message");
            e.Property(c => c.Tested).HasColumnName("tested");
            e.Property(c => c.Passed).HasColumnName("passed");
            e.Property(c => c.Failed).HasColumnName("failed");
            e.Property(c => c.Errored).HasColumnName("errored");
            e.Property(c => c.Skipped).HasColumnName("skipped");
            e.Property(c => c.CreatedAt).HasColumnName("created_at");
        });
    }
}
