using System.Diagnostics;

namespace Gryphgen.Testing;

/// <summary>What one run of the <c>gryphgen</c> command printed and returned.</summary>
public sealed record CliRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the real <c>gryphgen</c> command as a separate process (a test project that references Gryphgen.Cli has
/// gryphgen.dll beside it), exactly as a user would.
/// </summary>
public static class GryphgenCli
{
    public static async Task<CliRun> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        // The tool needs only the .NET runtime, but beside the tests it finds only what the test project itself does
        // not take from ASP.NET Core's shared framework (logging, DI...): it runs on the test project's frameworks.
        var testRuntime = Directory.GetFiles(AppContext.BaseDirectory, "*.Tests.runtimeconfig.json").Single();
        var start = new ProcessStartInfo("dotnet", ["exec", "--runtimeconfig", testRuntime, Path.Combine(AppContext.BaseDirectory, "gryphgen.dll"), .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment.Remove("GRYPHGEN_URL");
        start.Environment.Remove("GRYPHGEN_API_KEY");
        // Never the machine's own key file (a real run's): a test that wants a key gives it.
        start.Environment["GRYPHGEN_API_KEY_FILE"] = Path.Combine(AppContext.BaseDirectory, "no-such-api-key-file");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(limit.Token);
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }
}
