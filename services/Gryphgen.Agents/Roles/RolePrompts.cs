namespace Gryphgen.Agents.Roles;

/// <summary>A role's prompt and the correction sent when its reply was invalid.</summary>
public sealed record RolePrompts(PromptTemplate Role, PromptTemplate Retry)
{
    public static RolePrompts Load(string role) => new(PromptTemplate.Load(role), PromptTemplate.Load("retry"));
}
