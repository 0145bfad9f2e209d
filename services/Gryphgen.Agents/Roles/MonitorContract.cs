using System.Text.Json;
using System.Text.Json.Nodes;
using Gryphgen.Contracts.Fabric;
using static Gryphgen.Agents.Roles.JsonSchemaShapes;

namespace Gryphgen.Agents.Roles;

public sealed class MonitorContract : RoleContract
{
    public override AgentRole Role => AgentRole.Monitor;

    public override JsonObject Schema(ReplyLimits limits) => Object(
        ("aligned", Boolean()),
        ("unmet", Array(String(limits.MaxTextChars), limits.MaxItems)),
        ("score", Fraction()));

    protected override string? Check(JsonElement reply)
    {
        var verdict = reply.Deserialize<MonitorReply>(RoleReplies.Json)!;
        if (verdict.Unmet.Any(u => u is null)) return "'unmet' must not contain null";
        if (verdict.Score is < 0 or > 1 || double.IsNaN(verdict.Score)) return $"'score' must be from 0 to 1 (got {verdict.Score})";
        return null;
    }
}
