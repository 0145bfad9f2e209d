using System.Security.Cryptography;
using System.Text;
using Gryphgen.Symaug.Workspaces;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Marks the host-side processes of every run (the accounting shell and bubblewrap) with the workspace root they
/// belong to, so that a SYMAUG started after a crash finds the runs the earlier one left. The mark is an environment
/// variable: bubblewrap clears the environment, so nothing inside the sandbox sees it.
/// </summary>
public sealed class SandboxOwner(IOptions<WorkspaceOptions> options)
{
    public const string Variable = "GRYPHGEN_SANDBOX_OWNER";

    /// <summary>The mark's value: a hash of the workspace root, so two SYMAUGs with their own roots never touch each other's runs.</summary>
    public string Value { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(options.Value.Root))))[..16];

    /// <summary>The processes on this host that carry the mark, other than this one.</summary>
    public IReadOnlyList<int> MarkedProcesses()
    {
        var mark = Encoding.UTF8.GetBytes($"{Variable}={Value}");
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId) continue;
            byte[] environment;
            try
            {
                environment = File.ReadAllBytes(Path.Combine(folder, "environ"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // ended meanwhile, or not ours to read
            }
            if (HasEntry(environment, mark)) found.Add(pid);
        }
        return found;
    }

    private static bool HasEntry(ReadOnlySpan<byte> environment, ReadOnlySpan<byte> entry)
    {
        foreach (var range in environment.Split((byte)0))
        {
            if (environment[range].SequenceEqual(entry)) return true;
        }
        return false;
    }
}
