using System.Text.Json;
using System.Text.RegularExpressions;
using Gryphgen.Symaug.Workspaces;

namespace Gryphgen.Symaug.Acceptance;

/// <summary>A workspace file that changes what the acceptance command does, and the rule that says so.</summary>
public sealed record HarnessSteeringFile(string Path, string Rule, string Why);

/// <summary>
/// The files that steer a test harness rather than being tested by it: configuration, hooks and start-up code that
/// pytest, Python, npm, node or MSBuild pick up by their name alone. Written by the generator (anything that is not a
/// seed), they could make failing acceptance tests pass without the code being right, so each one found before an
/// acceptance run is reported as an error of that run, unless the task's spec allows that very path. Every rule is
/// here, one per entry; a file is looked at without following links (<see cref="WorkspaceFiles.List"/>).
/// </summary>
public static partial class HarnessSteeringFiles
{
    /// <summary>A rule: its name, why it matters, which file names it covers and, for some, what the file must say.</summary>
    private sealed record Rule(string Name, string Why, Func<string, bool> Named, Func<string, bool>? Says = null);

    private static readonly Rule[] Rules =
    [
        // pytest imports every conftest.py on the way to a test; its hooks can rewrite any outcome.
        new("conftest", "pytest loads conftest.py and its hooks can change any test's outcome", name => name == "conftest.py"),
        // pytest's own configuration files: addopts, plugins, test paths, markers.
        new("pytest-config", "pytest reads its options (addopts, plugins, test paths) from this file",
            name => name is "pytest.ini" or ".pytest.ini" or "pytest.toml" or ".pytest.toml"),
        // tox.ini and setup.cfg configure pytest only through their pytest sections.
        new("pytest-config", "pytest reads its options from the [pytest] section of tox.ini", name => name == "tox.ini", text => PytestIniSection().IsMatch(text)),
        new("pytest-config", "pytest reads its options from the [tool:pytest] section of setup.cfg", name => name == "setup.cfg", text => SetupCfgSection().IsMatch(text)),
        new("pytest-config", "pytest reads its options from pyproject.toml's [tool.pytest...] table", name => name == "pyproject.toml", text => text.Contains("[tool.pytest")),
        // Python imports these at every interpreter start, before any test runs.
        new("python-startup", "Python imports it at start-up, before pytest runs", name => name is "sitecustomize.py" or "usercustomize.py"),
        // site executes the import lines of .pth files on the path.
        new("python-startup", "Python's site module runs the import lines of .pth files", name => name.EndsWith(".pth")),
        // Python, and pytest for the test modules it rewrites, load cached bytecode instead of the source when the
        // source's recorded time and size match, which a run can read off the seed itself. SYMAUG's runs write none.
        new("python-bytecode", "Python and pytest load cached bytecode in place of a module's source, a seed's too", name => name.EndsWith(".pyc")),
        // A module of the harness's own name, found first on the path, replaces the harness itself (a package of
        // that name too: see ShadowedPackages).
        new("harness-shadow", "a module with the name of the test harness (or its plugin system) replaces it",
            name => name is "pytest.py" or "_pytest.py" or "pluggy.py"),
        // npm test runs the test, pretest and posttest scripts; .npmrc sets node-options and the script shell.
        new("npm-scripts", "npm runs package.json's test scripts", name => name == "package.json", HasTestScript),
        new("npm-config", "npm reads node-options and script-shell from .npmrc", name => name == ".npmrc"),
        // node's configuration file can set test runner options.
        new("node-config", "node reads its options, the test runner's too, from node.config.json", name => name == "node.config.json"),
        // MSBuild imports these into every project below them; runsettings configure dotnet test.
        new("msbuild-import", "MSBuild imports it into every project below it, test projects included",
            name => name is "Directory.Build.props" or "Directory.Build.targets" or "Directory.Build.rsp"),
        new("dotnet-test-settings", "dotnet test reads its settings (data collectors, test adapters) from it", name => name.EndsWith(".runsettings")),
    ];

    /// <summary>Top-level folders that replace the harness's own packages when found first on the path.</summary>
    private static readonly string[] ShadowedPackages = ["pytest", "_pytest", "pluggy"];

    /// <summary>The steering files among the workspace's files, except the seeds and the paths the task allows.</summary>
    public static IReadOnlyList<HarnessSteeringFile> Find(WorkspaceFiles files, IReadOnlySet<string> seeds, IReadOnlySet<string> allowed)
    {
        var found = new List<HarnessSteeringFile>();
        foreach (var (path, _) in files.List())
        {
            if (seeds.Contains(path) || allowed.Contains(path)) continue;
            var segments = path.Split('/');
            if (segments.Length > 1 && ShadowedPackages.Contains(segments[0]))
            {
                found.Add(new(path, "harness-shadow", "a package with the name of the test harness (or its plugin system) replaces it"));
                continue;
            }
            var rule = Rules.FirstOrDefault(r => r.Named(segments[^1]) && (r.Says is null || Says(files, path, r.Says)));
            if (rule is not null) found.Add(new(path, rule.Name, rule.Why));
        }
        return found;
    }

    /// <summary>Whether the file's text matches; a file too large to read is counted as matching, since it cannot be cleared.</summary>
    private static bool Says(WorkspaceFiles files, string path, Func<string, bool> says)
    {
        try
        {
            return says(System.Text.Encoding.UTF8.GetString(files.Read(path)));
        }
        catch (WorkspaceInputException)
        {
            return true;
        }
    }

    private static bool HasTestScript(string packageJson)
    {
        try
        {
            using var document = JsonDocument.Parse(packageJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object
                   && scripts.EnumerateObject().Any(s => s.Name is "test" or "pretest" or "posttest");
        }
        catch (JsonException)
        {
            return false; // npm refuses a package.json it cannot parse
        }
    }

    [GeneratedRegex(@"^\s*\[\s*pytest\s*\]", RegexOptions.Multiline)]
    private static partial Regex PytestIniSection();

    [GeneratedRegex(@"^\s*\[\s*tool:pytest\s*\]", RegexOptions.Multiline)]
    private static partial Regex SetupCfgSection();
}
