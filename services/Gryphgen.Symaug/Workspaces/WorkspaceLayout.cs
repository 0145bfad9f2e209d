namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// One workspace on disk: <c>files/</c> is what runs see (bound at /workspace); <c>git/</c> holds the checkpoints
/// outside it, where generated code cannot rewrite history; <c>seeds/</c> the root-owned pristine copy of the seed
/// files (<see cref="PristineSeeds"/>), never bound into the sandbox as a folder; <c>reports/</c> receives test reports.
/// An archived workspace keeps <c>artifacts.tar.gz</c> alone, in the folder SYMAUG owns, beside none of the others.
/// </summary>
public sealed record WorkspaceLayout(string Folder)
{
    public static WorkspaceLayout For(string root, Guid id) => new(Path.Combine(root, id.ToString("N")));

    public string Files => Path.Combine(Folder, "files");
    public string Git => Path.Combine(Folder, "git");
    public string Seeds => Path.Combine(Folder, "seeds");
    public string Reports => Path.Combine(Folder, "reports");
    public string Archive => Path.Combine(Folder, "artifacts.tar.gz");

    /// <summary>What an archived workspace no longer needs.</summary>
    public IEnumerable<string> LiveFolders => [Files, Git, Seeds, Reports];
}
