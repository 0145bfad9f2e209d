using Gryphgen.Persistence;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Data;

/// <summary>SYMORQ's tables in the shared GRYPHGEN database.</summary>
public sealed class OrchestratorDbContext(DbContextOptions<OrchestratorDbContext> options)
    : DbContext(options), IDataProtectionKeyContext, IServiceDbContext
{
    public static string Schema => "symorq";

    public static string LegacyHistoryTable => "public.__symorq_migrations";

    public DbSet<EndpointRecord> Endpoints => Set<EndpointRecord>();

    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();

    public DbSet<StepRecord> Steps => Set<StepRecord>();

    public DbSet<EventRecord> Events => Set<EventRecord>();

    public DbSet<ApiKeyRecord> Keys => Set<ApiKeyRecord>();

    public DbSet<WorkerCredentialRecord> WorkerCredentials => Set<WorkerCredentialRecord>();
    /// <summary>Data Protection's key ring, each key sealed with the deployment's secret (<see cref="Grid.KeyProtection.KeyRingCipher"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<EndpointRecord>(e =>
        {
            e.ToTable("grid_endpoints");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(40);
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.Kind).HasMaxLength(20);
        });
        modelBuilder.Entity<DataProtectionKey>(e => e.ToTable("data_protection_keys"));
        modelBuilder.Entity<TaskRecord>(e =>
        {
            e.ToTable("tasks");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Language).HasMaxLength(20);
            e.Property(x => x.Owner).HasMaxLength(40);
            e.Property(x => x.Spec).HasColumnType("jsonb");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.CurrentStep).HasMaxLength(20);
            e.Property(x => x.LeaseOwner).HasMaxLength(200);
            // Fencing: every save of a task a run holds is conditional on the claim it was read under (TaskJournal).
            e.Property(x => x.LeaseGeneration).IsConcurrencyToken();
            e.Ignore(x => x.IsFinished);
            // What the claim loop asks: unfinished tasks by priority and age.
            e.HasIndex(x => new { x.State, x.Priority, x.CreatedAt });
            // What a user key's list asks: its own tasks, newest first.
            e.HasIndex(x => new { x.Owner, x.CreatedAt });
            // What the retention sweep asks: finished tasks that still hold artifacts, oldest first.
            e.HasIndex(x => new { x.FinishedAt, x.Id }).HasFilter("artifacts_deleted_at IS NULL");
        });
        modelBuilder.Entity<StepRecord>(e =>
        {
            e.ToTable("task_steps");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.State).HasMaxLength(20);
            // One row per step of an iteration: a resumed task finds the row instead of running the step again.
            e.HasIndex(x => new { x.TaskId, x.Iteration, x.Kind }).IsUnique();
            e.HasOne<TaskRecord>().WithMany().HasForeignKey(x => x.TaskId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<EventRecord>(e =>
        {
            e.ToTable("task_events");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).UseIdentityAlwaysColumn();
            e.Property(x => x.Kind).HasMaxLength(40);
            e.Property(x => x.Step).HasMaxLength(20);
            e.Property(x => x.Snapshot).HasColumnType("jsonb");
            e.HasIndex(x => new { x.TaskId, x.Sequence });
            e.HasOne<TaskRecord>().WithMany().HasForeignKey(x => x.TaskId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ApiKeyRecord>(e =>
        {
            e.ToTable("keys");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(40);
            e.Property(x => x.Scope).HasMaxLength(20);
            e.Property(x => x.Digest).HasMaxLength(32);
            // A presented secret is found by its digest.
            e.HasIndex(x => x.Digest).IsUnique();
        });
        modelBuilder.Entity<WorkerCredentialRecord>(e =>
        {
            e.ToTable("worker_credentials");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(40);
            e.Property(x => x.Role).HasMaxLength(20);
            e.Property(x => x.Digest).HasMaxLength(32);
            e.HasIndex(x => x.Digest).IsUnique();
        });

        modelBuilder.UseServiceConventions<OrchestratorDbContext>();
    }
}
