using System.Runtime.Versioning;
using System.Diagnostics;
using Gryphgen.Contracts;

namespace Gryphgen.AppHost.Local;

/// <summary>
/// The local PostgreSQL cluster's folders, and its one-time <c>initdb</c>. PostgreSQL refuses to run as root, so
/// when the AppHost is root the server runs as the <c>postgres</c> user through <c>setpriv</c>, which execs
/// directly: the orchestrator's SIGTERM then reaches postgres itself and it shuts down cleanly.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresCluster(string postgresBin, string stateDirectory)
{
    private const string ServiceUser = "postgres";

    public string DataDirectory => Path.Combine(stateDirectory, "postgres", "data");

    public string SocketDirectory => Path.Combine(stateDirectory, "postgres", "run");

    /// <summary>The program and leading arguments that run <paramref name="program"/> as the cluster's owner.</summary>
    public (string Command, string[] Prefix) AsOwner(string program) => ProcessUser.IsRoot
        ? ("setpriv", [$"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", Path.Combine(postgresBin, program)])
        : (Path.Combine(postgresBin, program), []);

    /// <summary>Creates the cluster with <paramref name="password"/> for user postgres, unless it exists.</summary>
    public void EnsureInitialized(string password)
    {
        Directory.CreateDirectory(SocketDirectory);
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            GiveToOwner();
            return;
        }

        Directory.CreateDirectory(DataDirectory);
        var passwordFile = Path.Combine(stateDirectory, "postgres", "initdb.pw");
        File.WriteAllText(passwordFile, password);
        GiveToOwner();
        try
        {
            var (command, prefix) = AsOwner("initdb");
            Run(command, [.. prefix, "-D", DataDirectory, "-U", "postgres", "--auth-local=peer", "--auth-host=scram-sha-256",
                $"--pwfile={passwordFile}", "-E", "UTF8", "--no-instructions"]);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private void GiveToOwner()
    {
        if (!ProcessUser.IsRoot) return;
        // The postgres user must be able to reach the folders below the state folder.
        File.SetUnixFileMode(stateDirectory, File.GetUnixFileMode(stateDirectory) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        Run("chown", ["-R", $"{ServiceUser}:{ServiceUser}", Path.Combine(stateDirectory, "postgres")]);
    }

    private static void Run(string command, string[] arguments)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{command} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}: {stdout}{stderr.Result}");
        }
    }
}
