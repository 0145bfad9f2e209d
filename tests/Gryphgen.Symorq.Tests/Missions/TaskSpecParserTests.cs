using Gryphgen.Contracts;
using Gryphgen.Contracts.Acceptance;
using Gryphgen.Symorq.Missions;

namespace Gryphgen.Symorq.Tests.Missions;

public sealed class TaskSpecParserTests
{
    private const string Minimal = """
        title: t
        description: d
        language: bash
        acceptance: { command: ./test.sh }
        """;

    [Fact]
    public void A_minimal_spec_gets_the_documented_defaults()
    {
        var spec = TaskSpecParser.Parse(Minimal);

        Assert.Equal(new TaskBudget(6, 200_000, 20), spec.Budget);
        Assert.Equal(5, spec.Priority);
        Assert.Empty(spec.Requirements);
        Assert.Empty(spec.Acceptance.Files);
        Assert.Empty(spec.Sandbox!.AllowHarnessFiles);
    }

    [Fact]
    public void The_sandbox_section_allows_harness_files_at_checked_paths()
    {
        var spec = TaskSpecParser.Parse(Minimal + "\nsandbox: { allow_harness_files: [conftest.py, tests/pytest.ini], image: localhost/py-tools:3.11 }\n");
        Assert.Equal(["conftest.py", "tests/pytest.ini"], spec.Sandbox!.AllowHarnessFiles);
        Assert.Equal("localhost/py-tools:3.11", spec.Sandbox.Image);

        var error = Assert.Throws<TaskSpecException>(() => TaskSpecParser.Parse(Minimal + "\n" + """
            sandbox:
              allow_harness_files: [../conftest.py]
              image: --privileged
              network: host
            """));
        Assert.Equal(
        [
            "sandbox: unknown field 'network' (known: allow_harness_files, image) (line 8)",
            "sandbox.allow_harness_files: path \"../conftest.py\" rejected: '..' would leave the workspace (line 6)",
            "sandbox.image: \"--privileged\" is not an image reference (registry/path:tag or @sha256:digest, lower-case path) (line 7)",
        ], error.Problems);
    }

    [Fact]
    public void A_spec_stored_before_the_sandbox_section_still_reads()
    {
        var stored = System.Text.Json.JsonSerializer.Serialize(TaskSpecParser.Parse(Minimal), JournalJson.Options).Replace(",\"sandbox\":{\"allowHarnessFiles\":[],\"image\":\"\"}", "");
        Assert.DoesNotContain("sandbox", stored);
        Assert.Null(System.Text.Json.JsonSerializer.Deserialize<TaskSpec>(stored, JournalJson.Options)!.Sandbox);
    }

    [Fact]
    public void JSON_is_read_too_tabs_and_all()
    {
        var spec = TaskSpecParser.Parse("{\n\t\"title\": \"t\",\n\t\"description\": \"d\",\n\t\"language\": \"c\",\n\t\"priority\": \"high\",\n" +
            "\t\"acceptance\": {\"command\": \"make test\", \"files\": {\"t.c\": \"int main(){}\"}},\n\t\"budget\": {\"iterations\": 3}\n}");

        Assert.Equal("c", spec.Language);
        Assert.Equal(8, spec.Priority);
        Assert.Equal(3, spec.Budget.Iterations);
        Assert.Equal("int main(){}", spec.Acceptance.Files["t.c"]);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_line()
    {
        var error = Assert.Throws<TaskSpecException>(() => TaskSpecParser.Parse("""
            title: t
            language: fortran
            requirments: [a]
            priority: urgent
            acceptance:
              command: ""
              files: { /etc/passwd: x }
            budget: { iterations: 2, tokens: lots }
            models: { tester: big }
            knowledge: [My Docs]
            """));

        Assert.Equal(
        [
            "unknown field 'requirments' (known: title, description, language, acceptance, requirements, priority, budget, models, knowledge, sandbox) (line 3)",
            "description: required (line 1)",
            "language: 'fortran' is not supported (use one of python, javascript, csharp, c, bash) (line 2)",
            "acceptance.command: required (line 6)",
            "acceptance.files: path \"/etc/passwd\" rejected: it is absolute; paths are relative to the workspace (line 7)",
            "priority: 'urgent' is not high, normal, low or a digit 0-9 (line 4)",
            "budget.tokens: must be a whole number (line 8)",
            "models: 'tester' is not a role (use generator, analyzer, monitor, optimizer) (line 9)",
            "knowledge: 'My Docs' is not a collection name (use 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit) (line 10)",
        ], error.Problems);
    }

    [Theory]
    [InlineData("", "the specification is empty")]
    [InlineData("- a\n- b", "the specification must be a mapping of fields")]
    [InlineData("title: [unclosed", "not valid YAML or JSON")]
    [InlineData("title: a\n---\ntitle: b", "exactly one YAML or JSON document")]
    public void Documents_that_are_not_one_mapping_are_refused(string text, string problem)
    {
        var error = Assert.Throws<TaskSpecException>(() => TaskSpecParser.Parse(text));
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData(32, null)]
    [InlineData(33, 33)]
    [InlineData(40, 33)]
    public void Nesting_is_refused_past_32_levels_at_the_line_where_it_passes(int levels, int? refusedAt)
    {
        // The root mapping is level 1 and each line opens one more: level n starts at line n.
        var spec = string.Concat(Enumerable.Range(0, levels - 1).Select(i => $"{new string(' ', 2 * i)}k{i}:\n")) + new string(' ', 2 * (levels - 1)) + "leaf: x\n";

        var error = Assert.Throws<TaskSpecException>(() => TaskSpecParser.Parse(spec));

        var nesting = error.Problems.Where(p => p.Contains("nested deeper than 32 levels")).ToList();
        if (refusedAt is null) Assert.Empty(nesting);
        else Assert.StartsWith($"line {refusedAt}:", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_JSON_spec_nested_a_hundred_thousand_deep_is_refused_before_it_is_built()
    {
        var spec = "{\"title\": " + new string('[', 100_000) + new string(']', 100_000) + "}";

        var error = Assert.Throws<TaskSpecException>(() => TaskSpecParser.Parse(spec));

        Assert.StartsWith("line 1:", Assert.Single(error.Problems));
        Assert.Contains("nested deeper than 32 levels", error.Message);
    }

    [Fact]
    public void Aliases_that_expand_to_billions_of_values_are_refused_and_small_ones_read()
    {
        var laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
            $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"));

        var error = Assert.Throws<TaskSpecException>(() => TaskSpecParser.Parse(Minimal + "\n" + laughs));

        // 10^5 values are passed at a4, the spec's line 9.
        Assert.StartsWith("line 9:", Assert.Single(error.Problems));
        Assert.Contains("aliases are expanded", error.Message);
        var reused = TaskSpecParser.Parse(Minimal + "\nrequirements: [&r \"reads stdin\", *r]\n");
        Assert.Equal(["reads stdin", "reads stdin"], reused.Requirements);
    }

    [Theory]
    [InlineData("a/../../b", "'..' would leave the workspace")]
    [InlineData(".git/hooks/pre-commit", "'.git' is reserved")]
    [InlineData("a//b", "empty or '.' segment")]
    [InlineData("nul\0name", "NUL character")]
    public void Hostile_acceptance_file_paths_are_refused(string path, string problem)
    {
        var spec = Minimal.Replace("acceptance: { command: ./test.sh }", $"acceptance: {{ command: ./test.sh, files: {{ \"{path.Replace("\0", "\\0")}\": x }} }}");

        var error = Assert.Throws<TaskSpecException>(() => TaskSpecParser.Parse(spec));
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("python3 -m pytest -q", TestFormat.Pytest, new[] { "python3", "-m", "pytest", "-q" })]
    [InlineData("pytest 'tests dir'", TestFormat.Pytest, new[] { "pytest", "tests dir" })]
    [InlineData("node --test", TestFormat.NodeTest, new[] { "node", "--test" })]
    [InlineData("dotnet test", TestFormat.DotnetTest, new[] { "dotnet", "test" })]
    [InlineData("./run_tests.sh", TestFormat.ExitCode, new[] { "./run_tests.sh" })]
    [InlineData("make && ./a.out | grep ok", TestFormat.ExitCode, new[] { "bash", "-c", "make && ./a.out | grep ok" })]
    public void Acceptance_commands_become_argv_and_a_report_format(string line, TestFormat format, string[] argv)
    {
        var test = AcceptanceCommand.Parse(line);

        Assert.Equal(format, test.Format);
        Assert.Equal(argv, test.Command);
    }
}
