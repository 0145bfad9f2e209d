using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>The deployment manifest, written exactly as the README says, describes the whole system in containers.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task The_manifest_lists_every_service_and_the_three_infrastructure_resources()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("gryphgen-manifest-").FullName, "manifest.json");
        var appHost = Path.Combine(TestAssets.RepositoryRoot, "Gryphgen.AppHost");
        var configuration = typeof(ManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var start = new ProcessStartInfo("dotnet",
            ["run", "--no-build", "-c", configuration, "--project", appHost, "--", "--publisher", "manifest", "--output-path", output])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(process.ExitCode == 0, await log + await errors);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var resources = manifest.RootElement.GetProperty("resources");
        string TypeOf(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

        foreach (var service in new[] { "symorq", "symorg", "symaug", "generator", "analyzer", "monitor", "optimizer" })
            Assert.Equal("project.v0", TypeOf(service));
        Assert.StartsWith("container.", TypeOf("postgres"));
        Assert.Contains("pgvector/pgvector", resources.GetProperty("postgres").GetProperty("image").GetString());
        Assert.StartsWith("container.", TypeOf("redis"));
        Assert.StartsWith("container.", TypeOf("llama"));
        Assert.Contains("llama.cpp:server", resources.GetProperty("llama").GetProperty("image").GetString());
        Assert.Equal("value.v0", TypeOf("gryphgen")); // the database's connection string
    }
}
