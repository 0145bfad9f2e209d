using System.Text.Json;
using System.Text.Json.Nodes;
using Gryphgen.Contracts.Fabric;
using static Gryphgen.Agents.Roles.JsonSchemaShapes;

namespace Gryphgen.Agents.Roles;

public sealed class GeneratorContract : RoleContract
{
    public override AgentRole Role => AgentRole.Generator;

    public override JsonObject Schema(ReplyLimits limits) => Object(
        ("files", Array(Object(("path", RelativePath(limits.MaxPathChars)), ("content", String(limits.MaxFileChars))), limits.MaxFiles)),
        ("summary", String(limits.MaxTextChars)));

    protected override string? Check(JsonElement reply)
    {
        var generated = reply.Deserialize<GeneratorReply>(RoleReplies.Json)!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in generated.Files)
        {
            if (file is null) return "'files' must not contain null";
            if (WorkspacePath.Problem(file.Path) is { } problem) return $"file path \"{file.Path}\" {problem}";
            if (!seen.Add(WorkspacePath.Normalize(file.Path))) return $"file path \"{file.Path}\" appears more than once";
        }
        return null;
    }
}
