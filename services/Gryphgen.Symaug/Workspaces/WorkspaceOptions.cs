namespace Gryphgen.Symaug.Workspaces;

/// <summary>Where workspaces live on disk and how much a workspace may hold.</summary>
public sealed class WorkspaceOptions
{
    public const string Section = "Workspaces";

    /// <summary>The folder that holds one folder per workspace (the AppHost passes one under its state folder).</summary>
    public string Root { get; set; } = Path.Combine(Path.GetTempPath(), "gryphgen-workspaces");

    /// <summary>Largest file that can be written or read through the API.</summary>
    public long MaxFileBytes { get; set; } = 4 << 20;

    /// <summary>Most files a workspace may hold after a write.</summary>
    public int MaxFiles { get; set; } = 2000;

    /// <summary>Longest relative path accepted.</summary>
    public int MaxPathLength { get; set; } = 1024;

    /// <summary>Longest diff returned; the rest is cut and flagged.</summary>
    public int MaxDiffBytes { get; set; } = 1 << 20;
}
