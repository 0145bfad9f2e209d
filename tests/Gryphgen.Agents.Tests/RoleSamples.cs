using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Agents.Tests;

/// <summary>Per role: a valid reply, an invalid one with the words its error must contain, and a job to send.</summary>
public static class RoleSamples
{
    public static readonly IReadOnlyDictionary<AgentRole, (string Valid, string Invalid, string Error)> Replies = new Dictionary<AgentRole, (string, string, string)>
    {
        [AgentRole.Generator] = (
            """{"files":[{"path":"src/app.py","content":"print('hi')\n"}],"summary":"wrote app.py"}""",
            """{"files":[{"path":"../../etc/cron.d/x","content":"boom"}],"summary":"escape"}""",
            "leave the workspace"),
        [AgentRole.Analyzer] = (
            """{"verdict":"fail","problems":[{"file":"src/app.py","line":3,"message":"NameError: x"}],"advice":"define x"}""",
            """{"verdict":"maybe","problems":[],"advice":"?"}""",
            "'verdict' must be one of"),
        [AgentRole.Monitor] = (
            """{"aligned":false,"unmet":["prints a greeting"],"score":0.5}""",
            """{"aligned":true,"unmet":[],"score":1.5}""",
            "'score' must be from 0 to 1"),
        [AgentRole.Optimizer] = (
            """{"action":"revert","checkpoint":"cp-2","reason":"cp-2 passed more tests"}""",
            """{"action":"revert","reason":"no checkpoint field"}""",
            "checkpoint"),
    };

    public static TheoryData<AgentRole> Roles => [AgentRole.Generator, AgentRole.Analyzer, AgentRole.Monitor, AgentRole.Optimizer];

    public static RoleJob Job(string taskId = "task-42", int priority = 7) => new()
    {
        TaskId = taskId,
        Title = "Greeter",
        Description = "Write a program that prints a greeting.",
        Requirements = { "prints a greeting", "exits with code 0" },
        Language = "python",
        AcceptanceCommand = "python3 -m pytest -q",
        Context = "[1] docs:print.md:1-3\nprint() writes to stdout.\n",
        Files = { new WorkspaceFile { Path = "src/app.py", Content = "print(x)\n" } },
        TestReport = "FAILED test_app.py::test_greets - NameError: name 'x' is not defined",
        History = { "attempt 1: wrote app.py, tests failed" },
        Analysis = "src/app.py line 1 uses x before defining it",
        Priority = priority,
    };
}
