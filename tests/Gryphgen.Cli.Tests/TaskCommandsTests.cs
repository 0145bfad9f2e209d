using System.Text.Json.Nodes;
using Gryphgen.Testing;

namespace Gryphgen.Cli.Tests;

/// <summary>
/// submit, watch, list, show, cancel and artifacts as a user runs them: the real command against the real services
/// and agents, the model scripted per role.
/// </summary>
public sealed class TaskCommandsTests(MissionSystem system) : IClassFixture<MissionSystem>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gryphgen-cli-").FullName;

    [Fact]
    public async Task Submit_wait_json_prints_the_finished_task_and_its_project_can_be_fetched()
    {
        var marker = RoleScripts.NewMarker("cli");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("split on spaces", WordCount.SpacesOnly), RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        system.Scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "split() splits on any whitespace"));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0.5), RoleAnswers.Monitor(true, 1.0));
        system.Scripts.Script(marker, "optimizer", RoleAnswers.Optimize("continue", "fixable"));
        var spec = WriteSpec(WordCount.Spec(marker));

        var run = await GryphgenCli.RunAsync(["submit", spec, "--wait", "--json"], system.CliEnvironment);

        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        var task = JsonNode.Parse(run.StandardOutput)!;
        Assert.Equal("succeeded", (string?)task["state"]);
        Assert.Equal(2, (int)task["iterations"]!);
        Assert.True((long)task["tokens"]! > 0);
        Assert.StartsWith("the acceptance command passed", (string?)task["reason"]);
        var id = (string)task["id"]!;

        var show = await GryphgenCli.RunAsync(["show", id, "--json"], system.CliEnvironment);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains(JsonNode.Parse(show.StandardOutput)!["steps"]!.AsArray(), s => (string?)s!["kind"] == "analyze");

        var list = await GryphgenCli.RunAsync(["list", "--state", "succeeded", "--json"], system.CliEnvironment);
        Assert.Contains(JsonNode.Parse(list.StandardOutput)!.AsArray(), t => (string?)t!["id"] == id);

        var output = Path.Combine(_folder, "project");
        var artifacts = await GryphgenCli.RunAsync(["artifacts", id, "--out", output], system.CliEnvironment);
        Assert.True(artifacts.ExitCode == 0, artifacts.StandardError);
        Assert.Equal(WordCount.Correct.Item2, await File.ReadAllTextAsync(Path.Combine(output, "wc.py")));
        Assert.True(File.Exists(Path.Combine(output, "test_wc.py")));
    }

    [Fact]
    public async Task Show_prints_a_reason_a_model_wrote_with_its_control_characters_escaped()
    {
        var marker = RoleScripts.NewMarker("cliescape");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("never right", WordCount.Broken));
        system.Scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "returns 0"));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0));
        system.Scripts.Script(marker, "optimizer", RoleAnswers.Optimize("abort", "\u001b[2J\rall tests passed"));
        var submit = await GryphgenCli.RunAsync(["submit", WriteSpec(WordCount.Spec(marker)), "--wait", "--json"], system.CliEnvironment);
        var task = JsonNode.Parse(submit.StandardOutput)!;
        Assert.Equal("failed", (string?)task["state"]);
        var id = (string)task["id"]!;

        var show = await GryphgenCli.RunAsync(["show", id], system.CliEnvironment);

        Assert.True(show.ExitCode == 0, show.StandardError);
        Assert.DoesNotContain('\r', show.StandardOutput);
        var outcome = Assert.Single(show.StandardOutput.Split('\n'), l => l.StartsWith($"{id} failed"));
        Assert.DoesNotContain('\u001b', outcome);
        Assert.EndsWith(@"\x1b[2J\x0dall tests passed", outcome);
    }

    [Fact]
    public async Task Links_planted_into_a_root_only_host_folder_survive_checkpoint_revert_restart_and_export_and_artifacts_leaves_them_out()
    {
        // A root-owned, mode-700 host folder with a root-only file: what the sandbox user must never own or read.
        var hostFolder = Path.Combine(_folder, "root-only");
        Directory.CreateDirectory(hostFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var secret = Path.Combine(hostFolder, "secret");
        await File.WriteAllTextAsync(secret, "host secret");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // The generated module plants links when the acceptance tests import it: each iteration's checkpoint commits
        // them, the optimizer's revert and restart restore them, and they are in the exported project.
        var planting = $$"""
            import os
            for name, target in (("etc", "/etc"), ("up", "../../x"), ("alias.py", "wc.py"), ("private", "{{hostFolder}}"), ("secret.txt", "{{secret}}")):
                if not os.path.lexists(name):
                    os.symlink(target, name)

            def count_words(text):
                return 0
            """;
        var marker = RoleScripts.NewMarker("clilinks");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("count the words", ("wc.py", planting)));
        system.Scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "returns 0"));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0));
        system.Scripts.Script(marker, "optimizer", RoleAnswers.Optimize("revert", "back to the last tested tree"), RoleAnswers.Optimize("restart", "start the iteration over"));
        var submit = await GryphgenCli.RunAsync(["submit", WriteSpec(WordCount.Spec(marker, iterations: 2)), "--wait", "--json"], system.CliEnvironment);
        var task = JsonNode.Parse(submit.StandardOutput)!;
        Assert.True((string?)task["state"] == "failed", submit.StandardError + submit.StandardOutput);
        var id = (string)task["id"]!;
        var done = await system.GetAsync(id);
        Assert.Equal(["revert", "restart"], done.Steps.Where(s => s.Kind == "decide").Select(s => s.Summary.Split(':')[0]));

        var output = Path.Combine(_folder, "linked");
        var artifacts = await GryphgenCli.RunAsync(["artifacts", id, "--out", output], system.CliEnvironment);

        Assert.True(artifacts.ExitCode == 0, artifacts.StandardError);
        Assert.Equal(planting, await File.ReadAllTextAsync(Path.Combine(output, "wc.py")));
        Assert.Equal("wc.py", new FileInfo(Path.Combine(output, "alias.py")).LinkTarget);
        Assert.All(new[] { "etc", "up", "private", "secret.txt" }, name => Assert.False(Path.Exists(Path.Combine(output, name)), name));
        var leftOut = artifacts.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, leftOut.Length);
        Assert.Contains(leftOut, l => l.StartsWith("gryphgen: left out 'etc -> /etc'"));
        Assert.Contains(leftOut, l => l.StartsWith("gryphgen: left out 'up -> ../../x'"));
        Assert.Contains(leftOut, l => l.StartsWith($"gryphgen: left out 'private -> {hostFolder}'"));
        Assert.Contains(leftOut, l => l.StartsWith($"gryphgen: left out 'secret.txt -> {secret}'"));
        // Nothing of SYMAUG's, running as root, followed the links: the host folder is as the test made it.
        Assert.Equal("0 700", await HostFiles.OwnerAndModeAsync(hostFolder));
        Assert.Equal("0 600", await HostFiles.OwnerAndModeAsync(secret));
        Assert.Equal(["secret"], Directory.GetFileSystemEntries(hostFolder).Select(Path.GetFileName));
        Assert.Equal("host secret", await File.ReadAllTextAsync(secret));
    }

    [Fact]
    public async Task Watch_follows_a_task_to_its_cancellation_and_exits_non_zero()
    {
        var marker = RoleScripts.NewMarker("cliwatch");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("never answered", WordCount.Correct));
        system.Scripts.Hold(marker, "generator");
        try
        {
            var submit = await GryphgenCli.RunAsync(["submit", WriteSpec(WordCount.Spec(marker))], system.CliEnvironment);
            var id = submit.StandardOutput.Trim();
            Assert.Matches("^t-[0-9a-f]{12}$", id);
            var watching = GryphgenCli.RunAsync(["watch", id], system.CliEnvironment);
            await Eventually.Get(() => Task.FromResult(system.Scripts.Calls(marker, "generator")), c => c > 0, TimeSpan.FromMinutes(1), "the generator being asked");

            var cancel = await GryphgenCli.RunAsync(["cancel", id], system.CliEnvironment);
            var watched = await watching;

            Assert.Equal(0, cancel.ExitCode);
            Assert.Equal(1, watched.ExitCode);
            Assert.Contains("step-started generate started", watched.StandardOutput);
            Assert.Contains($"{id} cancelled after 1 iteration(s)", watched.StandardOutput);
        }
        finally
        {
            system.Scripts.Release(marker, "generator");
        }
    }

    [Fact]
    public async Task A_bad_spec_a_missing_file_an_unknown_id_and_a_missing_key_are_one_line_each()
    {
        var bad = WriteSpec(WordCount.Spec("x").Replace("language: python", "language: cobol"));
        var cases = new (string[] Args, string Error, bool WithKey)[]
        {
            (["submit", bad], "gryphgen: invalid task specification: language: 'cobol' is not supported", true),
            (["submit", Path.Combine(_folder, "missing.yaml")], "does not exist", true),
            (["show", "t-000000000000"], "gryphgen: no task 't-000000000000'", true),
            (["artifacts", "t-000000000000", "--out", Path.Combine(_folder, "none")], "gryphgen: no task 't-000000000000'", true),
            (["list"], "Incorrect or missing API key", false),
        };
        foreach (var (args, error, withKey) in cases)
        {
            var environment = withKey ? system.CliEnvironment : new Dictionary<string, string?> { ["GRYPHGEN_URL"] = system.Symorq.GrpcUrl.ToString() };
            var run = await GryphgenCli.RunAsync(args, environment);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains(error, Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        }
    }

    [Fact]
    public async Task Without_GRYPHGEN_API_KEY_the_key_comes_from_the_key_file()
    {
        var keyFile = Path.Combine(_folder, "api-key");
        await File.WriteAllTextAsync(keyFile, MissionSystem.ApiKey + "\n"); // as an editor leaves it, with a line end
        var environment = new Dictionary<string, string?> { ["GRYPHGEN_URL"] = system.Symorq.GrpcUrl.ToString(), ["GRYPHGEN_API_KEY_FILE"] = keyFile };

        var run = await GryphgenCli.RunAsync(["list", "--json"], environment);
        Assert.True(run.ExitCode == 0, run.StandardError);

        await File.WriteAllTextAsync(keyFile, "not-the-key");
        var refused = await GryphgenCli.RunAsync(["list"], environment);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains(keyFile, refused.StandardError); // the refusal says where the key was looked for
    }

    private string WriteSpec(string spec)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, spec);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
