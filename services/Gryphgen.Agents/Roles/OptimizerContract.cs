using System.Text.Json;
using System.Text.Json.Nodes;
using Gryphgen.Contracts.Fabric;
using static Gryphgen.Agents.Roles.JsonSchemaShapes;

namespace Gryphgen.Agents.Roles;

public sealed class OptimizerContract : RoleContract
{
    public override AgentRole Role => AgentRole.Optimizer;

    public override JsonObject Schema(ReplyLimits limits) => Object(
        ("action", Enum([.. OptimizerActions.All])),
        ("checkpoint", NullableString(limits.MaxPathChars)),
        ("reason", String(limits.MaxTextChars)));

    protected override string? Check(JsonElement reply)
    {
        var decision = reply.Deserialize<OptimizerReply>(RoleReplies.Json)!;
        return OneOf("action", decision.Action, [.. OptimizerActions.All]);
    }
}
