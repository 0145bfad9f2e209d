using System.Text.Json;
using System.Text.Json.Nodes;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// What one role must answer: the JSON schema sent as <c>response_format</c>, and the checks a reply must pass
/// (the schema's required fields and types by deserializing into the role's reply record, then what a schema
/// alone does not say, or what a server that ignores the schema may have broken).
/// </summary>
public abstract class RoleContract
{
    public abstract AgentRole Role { get; }

    public abstract JsonObject Schema(ReplyLimits limits);

    /// <summary>Null when <paramref name="reply"/> is a valid answer; otherwise what is wrong with it, for the model to fix.</summary>
    public string? Validate(JsonElement reply)
    {
        if (reply.ValueKind != JsonValueKind.Object) return $"the reply must be a JSON object, not {reply.ValueKind.ToString().ToLowerInvariant()}";
        try
        {
            return Check(reply);
        }
        catch (JsonException ex)
        {
            return $"the reply does not match the schema: {ex.Message}";
        }
    }

    /// <summary>Deserializes into the role's record (throwing <see cref="JsonException"/> on a schema mismatch) and checks it.</summary>
    protected abstract string? Check(JsonElement reply);

    protected static string? OneOf(string field, string value, params string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal) ? null : $"'{field}' must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))} (got \"{value}\")";
}
