using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorq.Retention;

/// <summary>
/// How long a finished task keeps what it left (<c>Gryphgen:Retention:*</c>): its workspace (files, git history,
/// checkpoints' trees) and its events' snapshots until <see cref="WorkspacesFor"/>, then its artifacts as one archive
/// until <see cref="ArtifactsFor"/>. The task itself (its record, steps and events) stays.
/// </summary>
public sealed class RetentionOptions : IValidatableObject
{
    public const string Section = "Gryphgen:Retention";

    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Gryphgen:Retention:WorkspacesFor must be between {1} and {2}")]
    public TimeSpan WorkspacesFor { get; set; } = TimeSpan.FromDays(7);

    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Gryphgen:Retention:ArtifactsFor must be between {1} and {2}")]
    public TimeSpan ArtifactsFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often a replica looks for finished tasks past either limit.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Gryphgen:Retention:SweepInterval must be between {1} and {2}")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The archive is made from the workspace: it cannot outlive a workspace already gone.
        if (ArtifactsFor < WorkspacesFor)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(ArtifactsFor)} ({ArtifactsFor}) must be at least {Section}:{nameof(WorkspacesFor)} ({WorkspacesFor})",
                [nameof(ArtifactsFor)]);
        }
    }
}
