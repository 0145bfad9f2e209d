using System.Reflection;

namespace Gryphgen.Testing;

/// <summary>
/// The programs and files scripts/setup.sh builds for the tests, cached outside the clone
/// (<c>$GRYPHGEN_CACHE</c>, default <c>~/.cache/gryphgen</c>).
/// </summary>
public static class TestAssets
{
    public static string Cache => Environment.GetEnvironmentVariable("GRYPHGEN_CACHE")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "gryphgen");

    public static string LlamaServer => Existing(Path.Combine(Cache, "bin", "llama-server"));

    /// <summary>The tiny random-weight model: proves the wire protocol, not quality.</summary>
    public static string TinyModel => Existing(Path.Combine(Cache, "models", "tiny-random.gguf"));

    /// <summary>
    /// The service images' base on the loopback registry, pinned by digest, as <c>scripts/setup.sh --containers</c>
    /// pushed it (<c>127.0.0.1:5000/gryphgen-dotnet@sha256:…</c>).
    /// </summary>
    public static string ServiceBaseImage => File.ReadAllText(Existing(Path.Combine(Cache, "service-base-image"))).Trim();

    /// <summary>The build configuration (Debug, Release) the tests were built in; services were built in the same.</summary>
    public static string BuildConfiguration =>
        typeof(TestAssets).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>The repository's root folder (where Gryphgen.sln is).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Gryphgen.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException($"Gryphgen.sln not found above {AppContext.BaseDirectory}");
        }
    }

    private static string Existing(string path) => File.Exists(path)
        ? path
        : throw new FileNotFoundException($"{path} is missing: run scripts/setup.sh (the README's test command does)", path);
}
