using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>A language toolchain generated code can be built and tested with.</summary>
public sealed record Toolchain(string Name, bool Found, string Version);

/// <summary>Finds the toolchains on this host: python3 with pytest, node, dotnet, gcc and bash.</summary>
public sealed class Toolchains(IOptions<SandboxOptions> options)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    public async Task<IReadOnlyList<Toolchain>> FindAsync(CancellationToken cancellationToken)
    {
        (string Name, string File, string[] Args)[] probes =
        [
            ("python3", options.Value.Python, ["--version"]),
            ("pytest", options.Value.Python, ["-m", "pytest", "--version"]),
            ("node", "node", ["--version"]),
            ("dotnet", "dotnet", ["--version"]),
            ("gcc", "gcc", ["--version"]),
            ("bash", "bash", ["--version"]),
        ];
        var results = await Task.WhenAll(probes.Select(p => ProcessRunner.RunAsync(p.File, p.Args, ProbeTimeout, cancellationToken)));
        return [.. probes.Zip(results, (p, r) => new Toolchain(p.Name, r.Succeeded, r.Succeeded ? r.FirstLine : ""))];
    }
}
