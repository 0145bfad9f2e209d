using Gryphgen.Testing;

namespace Gryphgen.Benchmarks;

/// <summary>
/// The benchmarks' task: three iterations (fail, fail, pass) of writing <c>pass</c> into state.txt, against an instant
/// scripted model and a trivial acceptance command, so that what is measured is the system's own work.
/// </summary>
public static class ScriptedBashTask
{
    public const int Iterations = 3;
    public const string Acceptance = "grep -q pass state.txt";

    /// <summary>Scripts every role's answers for the task of <paramref name="marker"/> and returns its spec.</summary>
    public static string Prepare(MissionSystem system, string marker, string priority = "normal")
    {
        system.Scripts.Script(marker, "generator",
            RoleAnswers.Generate("first try", ("state.txt", "fail\n")), RoleAnswers.Generate("second try", ("state.txt", "still failing\n")),
            RoleAnswers.Generate("third try", ("state.txt", "pass\n")));
        system.Scripts.Script(marker, "analyzer", RoleAnswers.Analyze("fail", "write pass"));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(false, 0), RoleAnswers.Monitor(false, 0), RoleAnswers.Monitor(true, 1));
        system.Scripts.Script(marker, "optimizer", RoleAnswers.Optimize("continue", "go on"));
        return $$"""
            title: benchmark {{marker}}
            description: write pass into state.txt
            language: bash
            priority: {{priority}}
            acceptance: { command: "{{Acceptance}}" }
            """;
    }
}
