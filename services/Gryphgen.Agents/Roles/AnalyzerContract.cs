using System.Text.Json;
using System.Text.Json.Nodes;
using Gryphgen.Contracts.Fabric;
using static Gryphgen.Agents.Roles.JsonSchemaShapes;

namespace Gryphgen.Agents.Roles;

/// <summary>The Code Analyzer's reply: whether the code passes, the faults it found, and what to do about them.</summary>
public sealed record AnalyzerReply(string Verdict, IReadOnlyList<AnalyzerProblem> Problems, string Advice);

/// <summary>One fault; line 0 when it concerns the file as a whole.</summary>
public sealed record AnalyzerProblem(string File, int Line, string Message);

public sealed class AnalyzerContract : RoleContract
{
    public override AgentRole Role => AgentRole.Analyzer;

    public override JsonObject Schema(ReplyLimits limits) => Object(
        ("verdict", Enum("pass", "fail")),
        ("problems", Array(Object(("file", String(limits.MaxPathChars)), ("line", Integer(0)), ("message", String(limits.MaxTextChars))), limits.MaxItems)),
        ("advice", String(limits.MaxTextChars)));

    protected override string? Check(JsonElement reply)
    {
        var analysis = reply.Deserialize<AnalyzerReply>(ReplyJson)!;
        if (OneOf("verdict", analysis.Verdict, "pass", "fail") is { } verdict) return verdict;
        if (analysis.Problems.Any(p => p is null)) return "'problems' must not contain null";
        if (analysis.Problems.FirstOrDefault(p => p.Line < 0) is { } negative) return $"problem line must be 0 or more (got {negative.Line})";
        return null;
    }
}
