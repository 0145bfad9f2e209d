using System.Security.Cryptography;
using System.Text;

namespace Gryphgen.Contracts;

/// <summary>
/// Where the AppHost keeps its state (PostgreSQL's cluster, workspaces, secrets) when <c>Gryphgen:StateDir</c> is
/// not set, and where in it the public API key is, so that the CLI on the same machine finds the key by itself.
/// </summary>
public static class StateFolder
{
    /// <summary>
    /// <c>/var/lib/gryphgen</c> for root (PostgreSQL runs as the <c>postgres</c> user and must reach its data, which a
    /// folder under /root does not allow), else <c>~/.local/state/gryphgen</c>.
    /// </summary>
    public static string Default => ProcessUser.IsRoot
        ? "/var/lib/gryphgen"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "gryphgen");

    /// <summary>The folder (mode 700) of the secrets the AppHost generates, each a file of mode 600.</summary>
    public static string Secrets(string stateDirectory) => Path.Combine(stateDirectory, "secrets");

    /// <summary>The public API key's file in <see cref="Secrets"/>, as the AppHost writes it in run mode.</summary>
    public const string ApiKeyFileName = "api-key";

    public static string ApiKeyFile(string stateDirectory) => Path.Combine(Secrets(stateDirectory), ApiKeyFileName);

    /// <summary>
    /// Containers mode's PostgreSQL volume for a state folder (one per folder, as local mode's cluster lives in it):
    /// <c>gryphgen-postgres-</c> and a hash of the folder's full path.
    /// </summary>
    public static string PostgresVolume(string stateDirectory) =>
        $"gryphgen-postgres-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDirectory))))[..12].ToLowerInvariant()}";
}
