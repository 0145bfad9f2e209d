namespace Gryphgen.Symaug.Sandbox;

/// <summary>One command to run confined in a workspace, with what it may see and how long it may take.</summary>
public sealed record SandboxRun(string WorkspaceFolder, IReadOnlyList<string> Command, TimeSpan TimeLimit, long OutputLimitBytes)
{
    /// <summary>Where the workspace appears inside the sandbox; runs start there.</summary>
    public const string WorkspaceMount = "/workspace";

    /// <summary>Where <see cref="ReportFolder"/> appears inside the sandbox.</summary>
    public const string ReportMount = "/report";

    /// <summary>
    /// Workspace-relative files the run sees read-only (the task's acceptance tests), each bound from a host file
    /// outside the workspace (its pristine copy), so that what the run does to the workspace cannot change them.
    /// </summary>
    public IReadOnlyList<(string Source, string Path)> ProtectedFiles { get; init; } = [];

    /// <summary>
    /// A host folder, outside the workspace, where a test reporter that can only write into a folder (dotnet
    /// test's TRX) writes its results; fresh for each run.
    /// </summary>
    public string? ReportFolder { get; init; }

    /// <summary>The FIFO a test reporter writes its report to, as <see cref="Sandbox.ReportPipe.SandboxPath"/>.</summary>
    public ReportPipe? ReportPipe { get; init; }
    /// <summary>The workspace's disk quota, watched during the run and checked after it; none for a run past the API.</summary>
    public Workspaces.WorkspaceQuota? Quota { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The container image on the container backend (the task's, checked by <see cref="RunImages"/>); null for <c>Sandbox:Image</c>.</summary>
    public string? Image { get; init; }

    public byte[] StandardInput { get; init; } = [];
}
