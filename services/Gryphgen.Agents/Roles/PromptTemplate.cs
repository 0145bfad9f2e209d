using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// A role's prompt as a reviewable Markdown file (Prompts/&lt;role&gt;.md): the system message, a line with only
/// <c>---</c>, then the user message. <c>{{name}}</c> placeholders are filled from the job; an unknown one is an
/// error when the file is loaded, not a stray brace in front of a model.
/// </summary>
public sealed partial class PromptTemplate
{
    public static readonly IReadOnlySet<string> Placeholders = new HashSet<string>(StringComparer.Ordinal)
    {
        "title", "description", "requirements", "language", "acceptance_command",
        "context", "files", "test_report", "analysis", "history", "error",
    };

    private readonly string _system;
    private readonly string _user;

    private PromptTemplate(string system, string user)
    {
        _system = system;
        _user = user;
    }

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Prompts");

    public static PromptTemplate Load(string name)
    {
        var path = Path.Combine(Folder, $"{name}.md");
        if (!File.Exists(path)) throw new InvalidOperationException($"The prompt file {path} is missing");
        return Parse(File.ReadAllText(path), path);
    }

    public static PromptTemplate Parse(string text, string source)
    {
        var unknown = Placeholder().Matches(text).Select(m => m.Groups["name"].Value).FirstOrDefault(n => !Placeholders.Contains(n));
        if (unknown is not null)
            throw new InvalidOperationException($"{source}: unknown placeholder {{{{{unknown}}}}}; known: {string.Join(", ", Placeholders)}");
        var parts = Separator().Split(text.ReplaceLineEndings("\n"), 2);
        return parts.Length == 2
            ? new PromptTemplate(parts[0].Trim(), parts[1].Trim())
            : new PromptTemplate("", parts[0].Trim());
    }

    /// <summary>The system message (where the file has one) and the user message, with every placeholder filled.</summary>
    public IReadOnlyList<ChatMessage> Render(IReadOnlyDictionary<string, string> values)
    {
        var user = new ChatMessage(ChatRole.User, Fill(_user, values));
        return _system.Length == 0 ? [user] : [new ChatMessage(ChatRole.System, Fill(_system, values)), user];
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(text, m => values.TryGetValue(m.Groups["name"].Value, out var value) ? value : "");

    [GeneratedRegex(@"\{\{(?<name>[a-z_]+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^---[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex Separator();
}
