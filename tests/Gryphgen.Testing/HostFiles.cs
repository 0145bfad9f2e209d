using System.Diagnostics;

namespace Gryphgen.Testing;

/// <summary>What a test checks of a host file that sandboxed code must never own or change.</summary>
public static class HostFiles
{
    /// <summary>"uid mode", e.g. "0 700", as stat prints them (.NET reads the mode but not the owner).</summary>
    public static async Task<string> OwnerAndModeAsync(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u %a", path]) { RedirectStandardOutput = true })!;
        var output = await stat.StandardOutput.ReadToEndAsync();
        await stat.WaitForExitAsync();
        return output.Trim();
    }
}
