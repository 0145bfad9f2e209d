namespace Gryphgen.Symaug.Workspaces;

/// <summary>
/// A folder only SYMAUG's own user may enter (0700), created fresh: what SYMAUG keeps beside a workspace for itself
/// (the pristine seeds, a run's report), out of the sandbox user's reach even by path.
/// </summary>
public static class OwnerOnlyFolder
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> empty, removing what was there (links inside are unlinked, not followed).</summary>
    public static void CreateFresh(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        Directory.CreateDirectory(path, Mode);
    }
}
