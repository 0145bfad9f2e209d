using System.Text.Json.Nodes;
using Gryphgen.Testing;

namespace Gryphgen.Cli.Tests;

/// <summary><c>gryphgen keys create|list|revoke</c> as an operator runs them, against the real SYMORQ.</summary>
public sealed class KeysCommandTests(SymorqSystem system) : IClassFixture<SymorqSystem>
{
    [Fact]
    public async Task Create_prints_the_secret_once_list_shows_the_key_without_it_and_revoke_ends_it()
    {
        var name = $"cli-{Guid.NewGuid():N}"[..16];

        var create = await GryphgenCli.RunAsync(["keys", "create", "--name", name, "--scope", "user"], system.CliEnvironment());

        Assert.True(create.ExitCode == 0, create.StandardError);
        var secret = create.StandardOutput.Trim();
        Assert.StartsWith("gg_", secret);
        Assert.Contains("will not be shown again", create.StandardError);
        // The new key works, as a user key: its own (empty) task list, and no key management.
        Assert.Equal(0, (await GryphgenCli.RunAsync(["list", "--json"], system.CliEnvironment(secret))).ExitCode);
        var denied = await GryphgenCli.RunAsync(["keys", "list"], system.CliEnvironment(secret));
        Assert.Equal(2, denied.ExitCode);
        Assert.Contains("admin key", Assert.Single(denied.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var list = await GryphgenCli.RunAsync(["keys", "list", "--json"], system.CliEnvironment());
        Assert.True(list.ExitCode == 0, list.StandardError);
        Assert.DoesNotContain(secret[3..], list.StandardOutput);
        var keys = JsonNode.Parse(list.StandardOutput)!.AsArray();
        var listed = keys.Single(k => (string?)k!["name"] == name)!;
        Assert.Equal("user", (string?)listed["scope"]);
        Assert.Null(listed["revoked"]);
        Assert.Contains(keys, k => (string?)k!["name"] == "bootstrap" && (bool)k["configured"]! && (string?)k["scope"] == "admin");
        var table = await GryphgenCli.RunAsync(["keys", "list"], system.CliEnvironment());
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(name, table.StandardOutput);

        var revoke = await GryphgenCli.RunAsync(["keys", "revoke", name], system.CliEnvironment());

        Assert.True(revoke.ExitCode == 0, revoke.StandardError);
        var after = JsonNode.Parse((await GryphgenCli.RunAsync(["keys", "list", "--json"], system.CliEnvironment())).StandardOutput)!.AsArray();
        Assert.NotNull(after.Single(k => (string?)k!["name"] == name)!["revoked"]);
        var refused = await GryphgenCli.RunAsync(["list"], system.CliEnvironment(secret));
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("gryphgen: Incorrect or missing API key", refused.StandardError);
    }

    [Fact]
    public async Task Create_with_collections_grants_them_and_list_shows_them()
    {
        var name = $"reader-{Guid.NewGuid():N}"[..16];

        var create = await GryphgenCli.RunAsync(["keys", "create", "--name", name, "--scope", "user", "--collection", "docs", "--collection", "code"],
            system.CliEnvironment());

        Assert.True(create.ExitCode == 0, create.StandardError);
        var keys = JsonNode.Parse((await GryphgenCli.RunAsync(["keys", "list", "--json"], system.CliEnvironment())).StandardOutput)!.AsArray();
        var listed = keys.Single(k => (string?)k!["name"] == name)!["collections"]!.AsArray().Select(c => (string?)c).ToList();
        Assert.Equal(["docs", "code"], listed);
        var bad = await GryphgenCli.RunAsync(["keys", "create", "--name", $"{name}-x", "--scope", "user", "--collection", "Not A Name"], system.CliEnvironment());
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not a collection name", bad.StandardError);
    }

    [Fact]
    public async Task Create_with_scope_agent_makes_a_key_that_is_listed_as_agent_and_refused_by_the_task_API()
    {
        var name = $"agent-{Guid.NewGuid():N}"[..16];

        var create = await GryphgenCli.RunAsync(["keys", "create", "--name", name, "--scope", "agent"], system.CliEnvironment());

        Assert.True(create.ExitCode == 0, create.StandardError);
        var secret = create.StandardOutput.Trim();
        var keys = JsonNode.Parse((await GryphgenCli.RunAsync(["keys", "list", "--json"], system.CliEnvironment())).StandardOutput)!.AsArray();
        Assert.Equal("agent", (string?)keys.Single(k => (string?)k!["name"] == name)!["scope"]);
        // An agent key reaches the gateway only: not even its own task list.
        var denied = await GryphgenCli.RunAsync(["list", "--json"], system.CliEnvironment(secret));
        Assert.Equal(2, denied.ExitCode);
        Assert.Contains("agent key", Assert.Single(denied.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("Not A Name", "user")]
    [InlineData("bootstrap", "admin")]
    public async Task A_bad_name_is_one_line_on_stderr_and_exit_code_2(string name, string scope)
    {
        var run = await GryphgenCli.RunAsync(["keys", "create", "--name", name, "--scope", scope], system.CliEnvironment());

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"gryphgen: name '{name}'", Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(run.StandardOutput);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_is_one_line_and_exit_code_2()
    {
        var run = await GryphgenCli.RunAsync(["keys", "revoke", "no-such-key"], system.CliEnvironment());

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("gryphgen: no key named 'no-such-key'", run.StandardError.Trim());
    }
}
