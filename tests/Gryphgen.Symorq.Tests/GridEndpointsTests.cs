using System.Net;
using System.Text.Json.Nodes;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// <c>gryphgen endpoints</c> against a real SYMORQ process and PostgreSQL: endpoints added at run time serve at once
/// and outlive a restart; their keys are never shown; bad input is one clear line.
/// </summary>
public sealed class GridEndpointsTests : IAsyncLifetime
{
    private LlamaServerProcess _llama = null!;
    private RedisServerProcess _redis = null!;
    private Dictionary<string, string> _settings = null!;
    private ServiceProcess _symorq = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _llama = await LlamaServerProcess.StartAsync(parallel: 2);
        _settings = await GridProcesses.Settings(_redis, ("configured", _llama.Url, "llamacpp", ["fixed"]));
        _symorq = await GridProcesses.StartSymorqAsync(_settings);
    }

    public async Task DisposeAsync()
    {
        await _symorq.DisposeAsync();
        await _llama.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private Task<CliRun> Gryphgen(params string[] args) => GryphgenCli.RunAsync(args, new Dictionary<string, string?>
    {
        ["GRYPHGEN_URL"] = _symorq.GrpcUrl.ToString(), ["GRYPHGEN_API_KEY"] = GridProcesses.ApiKey, ["GRID_TEST_KEY"] = "sekret-upstream-key",
    });

    private async Task<JsonArray> ListAsync()
    {
        var run = await Gryphgen("endpoints", "list", "--json");
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonNode.Parse(run.StandardOutput)!.AsArray();
    }

    [Fact]
    public async Task An_endpoint_added_at_run_time_serves_at_once_hides_its_key_and_outlives_a_restart()
    {
        var add = await Gryphgen("endpoints", "add", "--name", "laptop", "--url", new Uri(_llama.Url, "v1").ToString(),
            "--kind", "llamacpp", "--models", "coder, fast", "--api-key-env", "GRID_TEST_KEY");
        Assert.True(add.ExitCode == 0, add.StandardError);

        using (var gateway = new GatewayClient(_symorq.HttpUrl))
        using (var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat("fast", 4)))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var listed = await Gryphgen("endpoints", "list", "--json");
        Assert.DoesNotContain("sekret", listed.StandardOutput);
        var laptop = JsonNode.Parse(listed.StandardOutput)!.AsArray().Single(e => (string)e!["name"]! == "laptop")!;
        Assert.True((bool)laptop["has_api_key"]!);
        Assert.Equal(["coder", "fast"], laptop["models"]!.AsArray().Select(m => (string)m!));
        Assert.False((bool)laptop["configured"]!);

        await _symorq.DisposeAsync();
        _symorq = await GridProcesses.StartSymorqAsync(_settings);
        Assert.Contains(await ListAsync(), e => (string)e!["name"]! == "laptop");
        Assert.DoesNotContain("sekret", _symorq.Log);

        var remove = await Gryphgen("endpoints", "remove", "laptop");
        Assert.True(remove.ExitCode == 0, remove.StandardError);
        Assert.DoesNotContain(await ListAsync(), e => (string)e!["name"]! == "laptop");
        var again = await Gryphgen("endpoints", "remove", "laptop");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("'laptop'", Assert.Single(again.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("--name", "Bad Name", "--url", "http://x:1", "name 'Bad Name' must be")]
    [InlineData("--name", "box", "--url", "not-a-url", "url 'not-a-url' must be an http(s) URL")]
    [InlineData("--name", "box", "--url", "http://user:pw@x:1", "without credentials")]
    [InlineData("--name", "configured", "--url", "http://x:1", "an endpoint named 'configured' exists already")]
    [InlineData("--name", "box", "--url", "http://x:1", "--models", "ok,bad alias", "model alias 'bad alias'")]
    [InlineData("--name", "box", "--url", "http://x:1", "--weight", "0", "weight 0 must be above 0")]
    [InlineData("--name", "box", "--url", "http://x:1", "--api-key-env", "NO_SUCH_VARIABLE_SET", "NO_SUCH_VARIABLE_SET is not set")]
    public async Task A_bad_endpoint_is_refused_with_the_reason_and_nothing_is_stored(params string[] argsAndMessage)
    {
        var run = await Gryphgen(["endpoints", "add", .. argsAndMessage[..^1]]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(argsAndMessage[^1], run.StandardError);
        Assert.Equal(["configured"], (await ListAsync()).Select(e => (string)e!["name"]!));
    }

    [Fact]
    public async Task A_configured_endpoint_cannot_be_removed_at_run_time()
    {
        var run = await Gryphgen("endpoints", "remove", "configured");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("comes from the AppHost's configuration", run.StandardError);
    }

    [Fact]
    public async Task An_unknown_kind_is_a_usage_error()
    {
        var run = await Gryphgen("endpoints", "add", "--name", "box", "--url", "http://x:1", "--kind", "ollama");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("ollama", run.StandardError);
    }
}
