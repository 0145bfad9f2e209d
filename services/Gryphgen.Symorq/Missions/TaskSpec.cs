namespace Gryphgen.Symorq.Missions;

/// <summary>
/// A task as the user specified it, validated and with defaults filled in (<see cref="TaskSpecParser"/>). It is
/// stored with the task, so a task resumed after a restart works from exactly what was submitted.
/// </summary>
public sealed record TaskSpec(
    string Title,
    string Description,
    string Language,
    AcceptanceSpec Acceptance,
    IReadOnlyList<string> Requirements,
    int Priority,
    TaskBudget Budget,
    IReadOnlyDictionary<string, string> Models,
    IReadOnlyList<string> Knowledge,
    SandboxSpec? Sandbox = null); // null in specs stored before the field existed: the defaults

/// <summary>The command that decides success (SYMAUG's verdict on it), and the files given with it that nobody may change.</summary>
public sealed record AcceptanceSpec(string Command, IReadOnlyDictionary<string, string> Files);

/// <summary>
/// What the task changes about SYMAUG's sandbox rules: the paths where the generator may write a file that steers
/// the test harness (conftest.py, pytest.ini...), which otherwise fails the test run, and the container image its
/// runs use (SYMAUG's container backend only; empty for SYMAUG's own).
/// </summary>
public sealed record SandboxSpec(IReadOnlyList<string> AllowHarnessFiles, string Image = "");

/// <summary>What a task may spend before it fails for lack of budget.</summary>
public sealed record TaskBudget(int Iterations, long Tokens, int Minutes);
