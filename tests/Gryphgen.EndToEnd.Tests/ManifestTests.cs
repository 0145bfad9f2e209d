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
        using var manifest = await WriteManifestAsync();
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

    [Fact]
    public async Task Each_configured_llama_server_is_its_own_container_and_grid_endpoint_and_the_agents_fit_the_smallest_slot()
    {
        using var manifest = await WriteManifestAsync("--Gryphgen:Llm:Model=hf:org/coder", "--Gryphgen:Llm:Aliases:0=coder",
            "--Gryphgen:Llm:Servers:embed:Model=hf:org/embed", "--Gryphgen:Llm:Servers:embed:Parallel=2",
            "--Gryphgen:Llm:Servers:embed:ContextSize=2048", "--Gryphgen:Llm:Servers:embed:Aliases:0=embed");
        var resources = manifest.RootElement.GetProperty("resources");
        string Env(string resource, string name) => resources.GetProperty(resource).GetProperty("env").GetProperty(name).GetString()!;
        string[] Args(string resource) => [.. resources.GetProperty(resource).GetProperty("args").EnumerateArray().Select(a => a.GetString()!)];

        Assert.Equal("org/coder", After(Args("llama"), "-hf"));
        Assert.Equal("4", After(Args("llama"), "--parallel"));
        Assert.Equal(("org/embed", "2", "2048"), (After(Args("llama-embed"), "-hf"), After(Args("llama-embed"), "--parallel"), After(Args("llama-embed"), "--ctx-size")));
        Assert.Equal(resources.GetProperty("llama").GetProperty("image").GetString(), resources.GetProperty("llama-embed").GetProperty("image").GetString());

        string[] endpoint(int i) => [.. new[] { "Name", "Kind", "Models__0", "Url" }.Select(field => Env("symorq", $"Gryphgen__Llm__Endpoints__{i}__{field}"))];
        Assert.Equal(["local", "llamacpp", "coder", "{llama.bindings.http.url}"], endpoint(0));
        Assert.Equal(["embed", "llamacpp", "embed", "{llama-embed.bindings.http.url}"], endpoint(1));
        // A role's prompt and reply must fit whichever server takes it: the smaller slot, 2048 / 2.
        foreach (var role in GryphgenAppFixture.Roles) Assert.Equal("1024", Env(role, "Agent__ContextTokens"));
    }

    private static string After(string[] arguments, string flag) => arguments[Array.IndexOf(arguments, flag) + 1];

    [Fact]
    public async Task Without_an_API_key_parameter_the_deployment_generates_the_key_the_agent_key_and_the_internal_credential()
    {
        using var manifest = await WriteManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        string Env(string resource, string name) => resources.GetProperty(resource).GetProperty("env").GetProperty(name).GetString()!;

        foreach (var name in new[] { "gryphgen-api-key", "gryphgen-agent-key", "gryphgen-internal-credential", "gryphgen-key-encryption-secret" })
        {
            var value = resources.GetProperty(name).GetProperty("inputs").GetProperty("value");
            Assert.True(value.GetProperty("secret").GetBoolean());
            Assert.True(value.GetProperty("default").TryGetProperty("generate", out _), value.ToString());
        }
        Assert.Equal("{gryphgen-api-key.value}", Env("symorq", "Gryphgen__Gateway__ApiKey"));
        // The agents hold the agent key (the gateway only), which SYMORQ knows as such; never the admin key.
        Assert.Equal("{gryphgen-agent-key.value}", Env("symorq", "Gryphgen__Gateway__AgentKey"));
        foreach (var role in GryphgenAppFixture.Roles) Assert.Equal("{gryphgen-agent-key.value}", Env(role, "Agent__GatewayApiKey"));
        // The internal credential goes to SYMORQ, SYMORG and SYMAUG only: no agent holds it.
        foreach (var service in new[] { "symorq", "symorg", "symaug" })
            Assert.Equal("{gryphgen-internal-credential.value}", Env(service, "Gryphgen__Internal__Credential"));
        foreach (var role in GryphgenAppFixture.Roles)
            Assert.False(resources.GetProperty(role).GetProperty("env").TryGetProperty("Gryphgen__Internal__Credential", out _));
        // The secret that seals the stored endpoint keys' key ring is SYMORQ's alone.
        Assert.Equal("{gryphgen-key-encryption-secret.value}", Env("symorq", "Gryphgen__Llm__KeyEncryptionSecret"));
        foreach (var other in GryphgenAppFixture.Roles.Append("symorg").Append("symaug"))
            Assert.False(resources.GetProperty(other).GetProperty("env").TryGetProperty("Gryphgen__Llm__KeyEncryptionSecret", out _));
    }

    [Fact]
    public async Task An_API_key_parameter_is_a_secret_SYMORQ_requires_and_no_agent_holds()
    {
        using var manifest = await WriteManifestAsync("--Gryphgen:ApiKeyParameter=gryphgen-api-key");
        var resources = manifest.RootElement.GetProperty("resources");

        var parameter = resources.GetProperty("gryphgen-api-key");
        Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
        Assert.True(parameter.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        string Env(string resource, string name) => resources.GetProperty(resource).GetProperty("env").GetProperty(name).GetString()!;
        Assert.Equal("{gryphgen-api-key.value}", Env("symorq", "Gryphgen__Gateway__ApiKey"));
        foreach (var role in GryphgenAppFixture.Roles) Assert.Equal("{gryphgen-agent-key.value}", Env(role, "Agent__GatewayApiKey"));
    }

    [Fact]
    public async Task The_fabric_keys_and_credentials_are_parameters_SYMORQ_gets_the_secret_key_and_each_agent_only_its_own()
    {
        using var manifest = await WriteManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        bool Secret(string parameter) => resources.GetProperty(parameter).GetProperty("inputs").GetProperty("value")
            .TryGetProperty("secret", out var secret) && secret.GetBoolean();
        string? Env(string resource, string name) =>
            resources.GetProperty(resource).GetProperty("env").TryGetProperty(name, out var value) ? value.GetString() : null;

        Assert.True(Secret("fabric-broker-secret-key"));
        Assert.False(Secret("fabric-broker-public-key"));
        Assert.Equal("{fabric-broker-secret-key.value}", Env("symorq", "Fabric__CurveSecretKey"));
        Assert.Equal("*", Env("symorq", "Fabric__ListenAddress"));
        foreach (var role in GryphgenAppFixture.Roles)
        {
            Assert.True(Secret($"fabric-credential-{role}"));
            Assert.Equal($"{{fabric-credential-{role}.value}}", Env("symorq", $"Fabric__Credentials__{role}__0"));
            Assert.Equal($"{{fabric-credential-{role}.value}}", Env(role, "Fabric__Credential"));
            Assert.Equal("{fabric-broker-public-key.value}", Env(role, "Fabric__BrokerPublicKey"));
            Assert.Null(Env(role, "Fabric__CurveSecretKey"));
            var others = GryphgenAppFixture.Roles.Where(other => other != role).Select(other => $"{{fabric-credential-{other}.value}}");
            Assert.DoesNotContain(resources.GetProperty(role).GetProperty("env").EnumerateObject(), e => others.Contains(e.Value.GetString()));
        }
    }

    internal static async Task<JsonDocument> WriteManifestAsync(params string[] settings)
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("gryphgen-manifest-").FullName, "manifest.json");
        var appHost = Path.Combine(TestAssets.RepositoryRoot, "Gryphgen.AppHost");
        var configuration = typeof(ManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var start = new ProcessStartInfo("dotnet",
            ["run", "--no-build", "-c", configuration, "--project", appHost, "--", "--publisher", "manifest", "--output-path", output, .. settings])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(process.ExitCode == 0, await log + await errors);
        return JsonDocument.Parse(await File.ReadAllTextAsync(output));
    }
}
