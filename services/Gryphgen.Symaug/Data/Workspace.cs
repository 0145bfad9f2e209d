using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Data;

/// <summary>A workspace's metadata; its files are on disk under <see cref="Workspaces.WorkspaceLayout"/>.</summary>
public sealed class Workspace
{
    public const int MaxTaskIdLength = 200;

    public Guid Id { get; set; }
    public required string TaskId { get; set; }
    public List<string> AcceptanceCommand { get; set; } = [];
    public TestFormat AcceptanceFormat { get; set; }
    public List<string> ProtectedPaths { get; set; } = [];

    /// <summary>
    /// The SHA-256 of each seed's pristine copy, in <see cref="ProtectedPaths"/>' order, taken at creation. Empty for
    /// a workspace created before SYMAUG kept the copy, until SYMAUG recovers it at start-up.
    /// </summary>
    public List<string> SeedSha256 { get; set; } = [];
    /// <summary>Paths where the task's spec allows a file that steers the test harness (<see cref="Acceptance.HarnessSteeringFiles"/>).</summary>
    public List<string> AllowedHarnessFiles { get; set; } = [];

    /// <summary>The container image its runs use where the task named one (<see cref="Sandbox.RunImages"/>); null: <c>Sandbox:Image</c>.</summary>
    public string? Image { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When its files were reduced to their archive (<see cref="Workspaces.WorkspaceLayout.Archive"/>); null while they are live.</summary>
    public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>
    /// The highest fence (the caller's claim on the task) a change to the workspace has carried; a change with a lower
    /// one is refused (<see cref="Workspaces.WorkspaceFence"/>).
    /// </summary>
    public long Fence { get; set; }

    /// <summary>SHA-256 of the Create request, fence aside: a repeated Create must be the same request to get this workspace back.</summary>
    public string RequestSha256 { get; set; } = "";

    public List<Checkpoint> Checkpoints { get; set; } = [];
}
