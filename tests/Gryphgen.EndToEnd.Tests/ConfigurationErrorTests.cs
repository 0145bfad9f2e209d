using System.Net;
using System.Net.Sockets;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>A configuration that cannot work stops the AppHost at once, saying what to fix; nothing starts.</summary>
public sealed class ConfigurationErrorTests
{
    private static async Task<string> StartFailure(params string[] args)
    {
        var failure = await Record.ExceptionAsync(async () =>
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gryphgen_AppHost>(
                ["--Gryphgen:Infrastructure=local", .. args]);
            await using var app = await builder.BuildAsync();
            await app.StartAsync();
        });
        Assert.NotNull(failure);
        return failure.GetBaseException().Message;
    }

    [Fact]
    public async Task An_endpoint_url_that_is_not_a_url_names_the_setting()
    {
        var message = await StartFailure("--Gryphgen:Llm:Endpoints:0:Name=lmstudio", "--Gryphgen:Llm:Endpoints:0:Url=localhost-1234");
        Assert.Contains("Gryphgen:Llm:Endpoints:0:Url 'localhost-1234' must be an http(s) URL", message);
    }

    // The AppHost holds configured endpoints to the rules SYMORQ holds run-time ones to (LlmEndpointShape): a URL with
    // credentials in it or a model alias with spaces stops the AppHost, not SYMORQ after everything else has started.
    [Theory]
    [InlineData("Url", "http://user:secret@box:8080", "Gryphgen:Llm:Endpoints:0:Url 'http://user:secret@box:8080' must be an http(s) URL without credentials")]
    [InlineData("Models:0", "two words", "Gryphgen:Llm:Endpoints:0:Models 'two words' must be 1-200 letters")]
    public async Task An_endpoint_breaking_the_grid_s_rules_stops_the_apphost(string field, string value, string expected)
    {
        string[] endpoint = ["--Gryphgen:Llm:Endpoints:0:Name=box", "--Gryphgen:Llm:Endpoints:0:Url=http://box:8080"];
        var message = await StartFailure([.. endpoint, $"--Gryphgen:Llm:Endpoints:0:{field}={value}"]);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task An_endpoint_of_an_unknown_kind_lists_the_kinds()
    {
        var message = await StartFailure("--Gryphgen:Llm:Endpoints:0:Name=box", "--Gryphgen:Llm:Endpoints:0:Url=http://box:8080",
            "--Gryphgen:Llm:Endpoints:0:Kind=ollama");
        Assert.Contains("must be one of llamacpp, lmstudio, jan, openai", message);
    }

    [Fact]
    public async Task A_missing_model_file_names_the_path()
    {
        var message = await StartFailure("--Gryphgen:Llm:Model=/nonexistent/model.gguf");
        Assert.Contains("the model file '/nonexistent/model.gguf' does not exist", message);
    }

    // A further llama-server (Gryphgen:Llm:Servers:NAME) is held to the first one's rules, and to the grid's for its
    // name and aliases, each problem under its own key.
    [Theory]
    [InlineData("Model=", "Gryphgen:Llm:Servers:embed:Model is required")]
    [InlineData("Model=/nonexistent/embed.gguf", "Gryphgen:Llm:Servers:embed:Model: the model file '/nonexistent/embed.gguf' does not exist")]
    [InlineData("Model=hf:org/embed", "Gryphgen:Llm:Servers:embed:Model 'hf:org/embed': Hugging Face references need containers mode")]
    [InlineData("Parallel=0", "Gryphgen:Llm:Servers:embed:Parallel must be between 1 and 64 (got 0)")]
    [InlineData("ContextSize=1024", "Gryphgen:Llm:Servers:embed:ContextSize / Gryphgen:Llm:Servers:embed:Parallel must leave each slot at least 512 tokens")]
    [InlineData("Aliases:0=two words", "Gryphgen:Llm:Servers:embed:Aliases 'two words' must be 1-200 letters")]
    public async Task A_further_llama_server_breaking_a_rule_names_its_key(string setting, string expected)
    {
        var message = await StartFailure($"--Gryphgen:Llm:Servers:embed:Model={TestAssets.TinyModel}", $"--Gryphgen:Llm:Servers:embed:{setting}");
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData("Embed", "Gryphgen:Llm:Servers:Embed: the name 'Embed' must be 1-40 lower-case letters")]
    [InlineData("local", "Gryphgen:Llm:Servers:local: the name 'local' is the first llama-server's (Gryphgen:Llm:Model)")]
    public async Task A_further_llama_server_s_name_must_be_an_endpoint_name_of_its_own(string name, string expected)
    {
        var message = await StartFailure($"--Gryphgen:Llm:Servers:{name}:Model={TestAssets.TinyModel}");
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task An_external_endpoint_named_as_a_llama_server_is_a_name_used_twice()
    {
        var message = await StartFailure($"--Gryphgen:Llm:Servers:embed:Model={TestAssets.TinyModel}",
            "--Gryphgen:Llm:Endpoints:0:Name=embed", "--Gryphgen:Llm:Endpoints:0:Url=http://box:8080");
        Assert.Contains("Gryphgen:Llm:Endpoints:0:Name 'embed' is used twice", message);
    }

    [Fact]
    public async Task A_missing_program_names_the_setup_command()
    {
        var message = await StartFailure("--Gryphgen:Local:RedisServer=/nonexistent/redis-server");
        Assert.Contains("redis-server was not found", message);
        Assert.Contains("scripts/setup.sh", message);
    }

    [Fact]
    public async Task A_public_port_in_use_names_the_port_and_the_setting()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var message = await StartFailure("--DcpPublisher:RandomizePorts=false", $"--Gryphgen:Ports:Grpc={port}",
            $"--Gryphgen:Ports:Http={FreePort.Next()}", $"--Gryphgen:Ports:Fabric={FreePort.Next()}");
        Assert.Contains($"port {port} (Gryphgen:Ports:Grpc) is already in use", message);
    }

    // An image reference must name its registry (podman and docker resolve short names differently) and a tag or a
    // digest (never an implicit latest).
    [Theory]
    [InlineData("Postgres", "pgvector/pgvector:pg17")]
    [InlineData("Redis", "docker.io/library/redis")]
    [InlineData("Llama", "ghcr.io/ggml-org/llama.cpp:server@sha256:abc")]
    [InlineData("LlamaCuda", "ghcr.io/GGML-org/llama.cpp:server-cuda")]
    public async Task An_image_reference_without_a_registry_and_a_tag_names_the_key(string key, string value)
    {
        var message = await StartFailure($"--Gryphgen:Images:{key}={value}");
        Assert.Contains($"Gryphgen:Images:{key} '{value}' must be REGISTRY/REPOSITORY:TAG", message);
    }

    [Fact]
    public async Task An_unknown_container_runtime_names_the_two_it_can_be()
    {
        var message = await StartFailure("--Gryphgen:Infrastructure=containers", "--ASPIRE_CONTAINER_RUNTIME=rkt");
        Assert.Contains("ASPIRE_CONTAINER_RUNTIME must be docker or podman (got 'rkt')", message);
    }

    [Fact]
    public async Task Containers_mode_without_an_engine_says_so_instead_of_waiting()
    {
        // The docker client is installed here, its engine is not.
        var message = await StartFailure("--Gryphgen:Infrastructure=containers", "--ASPIRE_CONTAINER_RUNTIME=docker");
        Assert.Contains("Gryphgen:Infrastructure is containers, but the docker engine does not answer", message);
    }

    [Fact]
    public async Task Containers_mode_with_an_image_neither_here_nor_to_be_pulled_names_the_key_and_the_setup_step()
    {
        var message = await StartFailure("--Gryphgen:Infrastructure=containers", "--ASPIRE_CONTAINER_RUNTIME=podman",
            "--Gryphgen:Images:Redis=localhost/gryphgen-absent:1");
        Assert.Contains("Gryphgen:Images:Redis: 'localhost/gryphgen-absent:1' is not on this host and podman could not pull it", message);
        Assert.Contains("scripts/setup.sh --containers", message);
    }

    [Fact]
    public async Task An_unknown_infrastructure_mode_lists_the_modes()
    {
        var message = await StartFailure("--Gryphgen:Infrastructure=kubernetes");
        Assert.Contains("must be auto, containers or local", message);
    }
}
