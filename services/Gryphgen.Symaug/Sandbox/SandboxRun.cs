namespace Gryphgen.Symaug.Sandbox;

/// <summary>One command to run confined in a workspace, with what it may see and how long it may take.</summary>
public sealed record SandboxRun(string WorkspaceFolder, IReadOnlyList<string> Command, TimeSpan TimeLimit, long OutputLimitBytes)
{
    /// <summary>Where the workspace appears inside the sandbox; runs start there.</summary>
    public const string WorkspaceMount = "/workspace";

    /// <summary>Where <see cref="ReportFolder"/> appears inside the sandbox.</summary>
    public const string ReportMount = "/report";

    /// <summary>Workspace-relative files the run sees read-only (the task's acceptance tests).</summary>
    public IReadOnlyList<string> ProtectedFiles { get; init; } = [];

    /// <summary>A host folder, outside the workspace, where a test reporter writes its results.</summary>
    public string? ReportFolder { get; init; }

    /// <summary>The workspace's disk quota, watched during the run and checked after it; none for a run past the API.</summary>
    public Workspaces.WorkspaceQuota? Quota { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public byte[] StandardInput { get; init; } = [];
}
