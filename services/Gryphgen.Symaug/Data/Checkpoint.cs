namespace Gryphgen.Symaug.Data;

/// <summary>A git commit of a workspace, with the acceptance test's summary at that point when it was tested.</summary>
public sealed class Checkpoint
{
    public long Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public required string Commit { get; set; }
    public required string Message { get; set; }
    public bool Tested { get; set; }
    public int Passed { get; set; }
    public int Failed { get; set; }
    public int Errored { get; set; }
    public int Skipped { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The caller's name for it (<see cref="Contracts.Missions.CheckpointKeys"/>), unique in its workspace; null: unnamed.</summary>
    public string? Key { get; set; }

    /// <summary>The acceptance run of a named checkpoint, returned again when its Checkpoint call is repeated.</summary>
    public StoredTestReport? Report { get; set; }
}
