using System.Text.Json;
using System.Text.Json.Nodes;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Contracts.Paths;
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
            // SYMAUG's own rule, so the model is told here, and can fix it, what SYMAUG would refuse to write. The
            // length bound is the schema's (Agent:Limits:MaxPathChars); a path the rule accepts is already canonical.
            if (WorkspacePathRules.Problem(file.Path, int.MaxValue) is { } problem) return $"file path \"{PrintableText.Line(file.Path)}\" rejected: {problem}";
            if (!seen.Add(file.Path)) return $"file path \"{PrintableText.Line(file.Path)}\" appears more than once";
        }
        return null;
    }
}
