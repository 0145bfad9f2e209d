using System.Text.Json;
using Gryphgen.Contracts.Missions;
using Gryphgen.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symaug.Data;

/// <summary>
/// SYMAUG's metadata in PostgreSQL, tables and migrations history in its own schema, so it shares the database with
/// SYMORQ and SYMORG without any of them touching the others' tables.
/// </summary>
public sealed class WorkspaceDbContext(DbContextOptions<WorkspaceDbContext> options) : DbContext(options), IServiceDbContext
{
    public static string Schema => "symaug";

    public static string? LegacyHistoryTable => null;

    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<Checkpoint> Checkpoints => Set<Checkpoint>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Workspace>(e =>
        {
            e.ToTable("workspaces");
            e.HasKey(w => w.Id);
            e.Property(w => w.TaskId).HasMaxLength(Workspace.MaxTaskIdLength);
            // One workspace per task: two Creates racing for a task cannot both make one.
            e.HasIndex(w => w.TaskId).IsUnique();
            e.Property(w => w.RequestSha256).HasMaxLength(64);
            e.Property(w => w.AcceptanceFormat).HasConversion<string>().HasMaxLength(20);
            e.Property(w => w.Image).HasMaxLength(Gryphgen.Contracts.Containers.ContainerImageNames.MaxLength);
            e.HasMany(w => w.Checkpoints).WithOne().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Checkpoint>(e =>
        {
            e.ToTable("checkpoints");
            e.HasKey(c => c.Id);
            e.Property(c => c.Commit).HasMaxLength(64);
            e.HasIndex(c => new { c.WorkspaceId, c.Commit });
            e.Property(c => c.Key).HasMaxLength(CheckpointKeys.MaxLength);
            e.HasIndex(c => new { c.WorkspaceId, c.Key }).IsUnique();
            e.Property(c => c.Report).HasColumnType("jsonb").HasConversion(
                report => JsonSerializer.Serialize(report, JsonSerializerOptions.Web),
                json => JsonSerializer.Deserialize<StoredTestReport>(json, JsonSerializerOptions.Web));
        });
        modelBuilder.UseServiceConventions<WorkspaceDbContext>();
    }
}
