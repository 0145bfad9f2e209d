using System.Text.RegularExpressions;
using Gryphgen.Symaug.Workspaces;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// The environment a sandboxed command sees: fixed defaults and the caller's variables. It is applied only after
/// the drop to the sandbox user (by the shell setpriv execs, or <c>env -i</c> in a container), never to a process that still runs as root.
/// </summary>
public static partial class SandboxEnvironment
{
    private static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["PATH"] = "/usr/local/bin:/usr/bin:/bin", ["HOME"] = "/tmp", ["TMPDIR"] = "/tmp", ["LANG"] = "C.UTF-8",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["PYTHONDONTWRITEBYTECODE"] = "1",
    };

    // Names that steer the dynamic loader, libc or an interpreter before any code of the program runs. They reach
    // only the unprivileged user now, but they are what glibc itself ignores for privileged programs (its secure-mode
    // list) plus PYTHONSTARTUP: refused, so that a later change that lets the environment reach a privileged process
    // again cannot turn into code run as root. Search paths tests legitimately use (PYTHONPATH, NODE_PATH,
    // NODE_OPTIONS) are allowed: after the drop they only affect the sandbox user's own programs.
    private static readonly string[] RefusedPrefixes = ["LD_", "MALLOC_"];

    private static readonly HashSet<string> RefusedNames = new(StringComparer.Ordinal)
    {
        "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "NIS_PATH", "NLSPATH",
        "RESOLV_HOST_CONF", "RES_OPTIONS", "TZDIR", "PYTHONSTARTUP",
    };

    /// <summary>Refuses, naming it, a variable that is malformed or steers the loader or an interpreter.</summary>
    public static void Check(IEnumerable<KeyValuePair<string, string>> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (!Name().IsMatch(name) || value.Contains('\0'))
            {
                throw new WorkspaceInputException($"environment variable \"{name}\" is not a valid name or its value contains NUL");
            }
            if (RefusedNames.Contains(name) || RefusedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                throw new WorkspaceInputException($"environment variable \"{name}\" is refused: it steers the loader or an interpreter");
            }
        }
    }

    /// <summary>
    /// <c>NAME=VALUE</c> for the defaults overridden by the caller's variables. Names never contain '=' (checked), so
    /// neither env nor a shell's <c>export</c> can split one elsewhere, and none is "--".
    /// </summary>
    public static IReadOnlyList<string> Assignments(IReadOnlyDictionary<string, string> environment)
    {
        var merged = new Dictionary<string, string>(Defaults);
        foreach (var (name, value) in environment) merged[name] = value;
        return [.. merged.Select(v => $"{v.Key}={v.Value}")];
    }

    /// <summary><c>/usr/bin/env -i NAME=VALUE…</c>, to be exec'd as the sandbox user in front of the command.</summary>
    public static IReadOnlyList<string> EnvCommand(IReadOnlyDictionary<string, string> environment) => ["/usr/bin/env", "-i", .. Assignments(environment)];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Name();
}
