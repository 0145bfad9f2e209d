using System.Text.Json;
using Gryphgen.Cli.Commands;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Cli.Tests;

/// <summary>The real command as a process: bad input and an unreachable server are one clear line and exit code 2.</summary>
public sealed class StatusCommandTests
{
    [Fact]
    public async Task An_unreachable_server_is_one_line_naming_the_fix_and_exit_code_2()
    {
        var run = await GryphgenCli.RunAsync(["status", "--url", $"http://127.0.0.1:{FreePort.Next()}"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gryphgen: cannot reach GRYPHGEN", line);
        Assert.Contains("GRYPHGEN_URL", line);
        Assert.Empty(run.StandardOutput);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example/")]
    public async Task A_url_that_is_not_http_is_rejected_before_connecting(string url)
    {
        var run = await GryphgenCli.RunAsync(["status", "--url", url]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"gryphgen: '{url}' is not an http(s) URL (from --url)", run.StandardError.Trim());
    }

    [Fact]
    public async Task The_url_comes_from_GRYPHGEN_URL_when_no_option_is_given()
    {
        var run = await GryphgenCli.RunAsync(["status"], new Dictionary<string, string?> { ["GRYPHGEN_URL"] = "nonsense" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("(from GRYPHGEN_URL)", run.StandardError);
    }

    [Fact]
    public async Task The_key_is_not_sent_over_plain_http_to_another_machine_without_insecure()
    {
        var key = new Dictionary<string, string?> { ["GRYPHGEN_API_KEY"] = "some-key" };
        const string remote = "http://gryphgen-no-such-host.invalid:5081";

        var refused = await GryphgenCli.RunAsync(["status", "--url", remote], key);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--insecure", Assert.Single(refused.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        // With --insecure the CLI goes on and tries to connect (and here finds no such host).
        var insecure = await GryphgenCli.RunAsync(["status", "--url", remote, "--insecure"], key);
        Assert.Equal(2, insecure.ExitCode);
        Assert.StartsWith("gryphgen: cannot reach GRYPHGEN", insecure.StandardError);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error()
    {
        var run = await GryphgenCli.RunAsync(["status", "--no-such-option"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--no-such-option", run.StandardError);
    }

    [Fact]
    public void The_json_form_has_name_kind_healthy_and_detail_for_every_component()
    {
        var status = new SystemStatus { Healthy = false, TraceId = "abc" };
        status.Components.Add(new ComponentStatus { Name = "redis", Kind = "cache", Healthy = true, Detail = "Redis 7", Required = true });
        status.Components.Add(new ComponentStatus { Name = "llm-grid", Kind = "llm-grid", Detail = "none", Facts = { ["endpoints"] = "0" } });

        using var json = JsonDocument.Parse(StatusJson.Format(status));

        Assert.False(json.RootElement.GetProperty("healthy").GetBoolean());
        var components = json.RootElement.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(["redis", "llm-grid"], components.Select(c => c.GetProperty("name").GetString()));
        Assert.True(components[0].GetProperty("healthy").GetBoolean());
        Assert.Equal("cache", components[0].GetProperty("kind").GetString());
        Assert.Equal("none", components[1].GetProperty("detail").GetString());
        Assert.Equal("0", components[1].GetProperty("facts").GetProperty("endpoints").GetString());
    }
}
