using System.Text.Json;
using System.Text.Json.Nodes;
using Gryphgen.Contracts.Fabric;
using static Gryphgen.Agents.Roles.JsonSchemaShapes;

namespace Gryphgen.Agents.Roles;

public sealed class AnalyzerContract : RoleContract
{
    public override AgentRole Role => AgentRole.Analyzer;

    public override JsonObject Schema(ReplyLimits limits) => Object(
        ("verdict", Enum("pass", "fail")),
        ("problems", Array(Object(("file", String(limits.MaxPathChars)), ("line", Integer(0)), ("message", String(limits.MaxTextChars))), limits.MaxItems)),
        ("advice", String(limits.MaxTextChars)));

    protected override string? Check(JsonElement reply)
    {
        var analysis = reply.Deserialize<AnalyzerReply>(RoleReplies.Json)!;
        if (OneOf("verdict", analysis.Verdict, "pass", "fail") is { } verdict) return verdict;
        if (analysis.Problems.Any(p => p is null)) return "'problems' must not contain null";
        if (analysis.Problems.FirstOrDefault(p => p.Line < 0) is { } negative) return $"problem line must be 0 or more (got {negative.Line})";
        return null;
    }
}
