using LibGit2Sharp;

namespace Gryphgen.Symaug.Git;

/// <summary>
/// libgit2 as SYMAUG uses it: like the git processes, it reads no user, XDG or system configuration, so nothing
/// on the host decides how checkpoints are made; checkpoints have one author.
/// </summary>
internal static class InProcessGit
{
    public const string Name = "SYMAUG";
    public const string Email = "symaug@gryphgen.invalid";

    // Search paths are process-wide; an empty folder, because null would restore the defaults (HOME, /etc).
    private static readonly Lazy<bool> Isolated = new(() =>
    {
        var nowhere = Directory.CreateTempSubdirectory("symaug-no-git-config-").FullName;
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
        {
            GlobalSettings.SetConfigSearchPaths(level, nowhere);
        }
        // The work tree belongs to the sandbox user, not to SYMAUG; the repository is opened by its exact path, never
        // discovered, which is what the ownership check guards (the git processes get --git-dir, which skips it too).
        GlobalSettings.SetOwnerValidation(false);
        return true;
    });

    public static void Isolate() => _ = Isolated.Value;
}
