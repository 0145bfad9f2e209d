using System.Text.Json.Nodes;
using Gryphgen.Testing;

namespace Gryphgen.Cli.Tests;

/// <summary><c>gryphgen agents enroll|list|revoke</c> as an operator runs them, against the real SYMORQ.</summary>
public sealed class AgentsCommandTests(SymorqSystem system) : IClassFixture<SymorqSystem>
{
    [Fact]
    public async Task Enroll_prints_the_workers_settings_once_list_shows_the_credential_without_it_and_revoke_ends_it()
    {
        var name = $"cli-{Guid.NewGuid():N}"[..16];

        var enroll = await GryphgenCli.RunAsync(["agents", "enroll", "--role", "analyzer", "--name", name], system.CliEnvironment());

        Assert.True(enroll.ExitCode == 0, enroll.StandardError);
        var settings = enroll.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["Agent__Role", "Fabric__Endpoint", "Fabric__BrokerPublicKey", "Fabric__Credential"], settings.Keys);
        Assert.Equal("analyzer", settings["Agent__Role"]);
        Assert.StartsWith("tcp://127.0.0.1:", settings["Fabric__Endpoint"]);
        Assert.Equal(40, settings["Fabric__BrokerPublicKey"].Length);
        var credential = settings["Fabric__Credential"];
        Assert.StartsWith("gg_", credential);
        Assert.Contains("will not be shown again", enroll.StandardError);
        Assert.Contains("Fabric:ListenAddress", enroll.StandardError); // the broker is on loopback here

        var list = await GryphgenCli.RunAsync(["agents", "list", "--json"], system.CliEnvironment());
        Assert.True(list.ExitCode == 0, list.StandardError);
        Assert.DoesNotContain(credential[3..], list.StandardOutput);
        var listed = JsonNode.Parse(list.StandardOutput)!.AsArray().Single(a => (string?)a!["name"] == name)!;
        Assert.Equal("analyzer", (string?)listed["role"]);
        Assert.Null(listed["revoked"]);
        var table = await GryphgenCli.RunAsync(["agents", "list"], system.CliEnvironment());
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(name, table.StandardOutput);

        var revoke = await GryphgenCli.RunAsync(["agents", "revoke", name], system.CliEnvironment());

        Assert.True(revoke.ExitCode == 0, revoke.StandardError);
        var after = JsonNode.Parse((await GryphgenCli.RunAsync(["agents", "list", "--json"], system.CliEnvironment())).StandardOutput)!.AsArray();
        Assert.NotNull(after.Single(a => (string?)a!["name"] == name)!["revoked"]);
    }

    [Fact]
    public async Task Enroll_without_a_name_names_the_credential_after_its_role_and_a_user_key_may_not_enroll()
    {
        var (_, userKey) = await system.CreateKeyAsync("user", Contracts.KeyScope.User);
        var denied = await GryphgenCli.RunAsync(["agents", "enroll", "--role", "monitor"], system.CliEnvironment(userKey));
        Assert.Equal(2, denied.ExitCode);
        Assert.Contains("admin key", Assert.Single(denied.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(denied.StandardOutput);

        var enroll = await GryphgenCli.RunAsync(["agents", "enroll", "--role", "monitor"], system.CliEnvironment());

        Assert.True(enroll.ExitCode == 0, enroll.StandardError);
        Assert.Matches("^enrolled monitor-[0-9a-f]{8} \\(monitor\\)", enroll.StandardError);
    }

    [Theory]
    [InlineData("Not A Name")]
    [InlineData("-leading-dash")]
    public async Task A_bad_name_is_one_line_on_stderr_and_exit_code_2(string name)
    {
        var run = await GryphgenCli.RunAsync(["agents", "enroll", "--role", "generator", "--name", name], system.CliEnvironment());

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"gryphgen: name '{name}'", Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(run.StandardOutput);
    }

    [Fact]
    public async Task An_unknown_role_is_refused_before_anything_is_sent()
    {
        var run = await GryphgenCli.RunAsync(["agents", "enroll", "--role", "overlord"], system.CliEnvironment());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("overlord", run.StandardError);
        Assert.Contains("optimizer", run.StandardError); // the roles it accepts are listed
        Assert.DoesNotContain("Fabric__Credential", run.StandardOutput); // stdout has the command's help, no credential
    }

    [Fact]
    public async Task A_taken_name_and_an_unknown_name_are_one_line_and_exit_code_2()
    {
        var name = $"dup-{Guid.NewGuid():N}"[..16];
        Assert.Equal(0, (await GryphgenCli.RunAsync(["agents", "enroll", "--role", "generator", "--name", name], system.CliEnvironment())).ExitCode);

        var duplicate = await GryphgenCli.RunAsync(["agents", "enroll", "--role", "optimizer", "--name", name], system.CliEnvironment());
        var unknown = await GryphgenCli.RunAsync(["agents", "revoke", "no-such-agent"], system.CliEnvironment());

        Assert.Equal(2, duplicate.ExitCode);
        Assert.StartsWith($"gryphgen: an agent credential named '{name}' exists already", duplicate.StandardError);
        Assert.Empty(duplicate.StandardOutput);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("gryphgen: no agent credential named 'no-such-agent'", unknown.StandardError.Trim());
    }
}
