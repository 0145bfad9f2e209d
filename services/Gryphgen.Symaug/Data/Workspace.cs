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
    public DateTimeOffset CreatedAt { get; set; }
    public List<Checkpoint> Checkpoints { get; set; } = [];
}
