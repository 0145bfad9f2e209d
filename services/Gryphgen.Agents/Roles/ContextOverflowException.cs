using System.ClientModel;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// A model server's refusal of a prompt longer than its context, with what it counted: llama-server answers 400
/// <c>exceed_context_size_error</c> with <c>n_prompt_tokens</c> and <c>n_ctx</c>; OpenAI answers 400
/// <c>context_length_exceeded</c> with both numbers in its message.
/// </summary>
public sealed partial class ContextOverflowException(int promptTokens, int? contextTokens) : Exception($"the prompt of {promptTokens} tokens exceeds the model's context")
{
    /// <summary>The prompt's length in the model's own tokens.</summary>
    public int PromptTokens { get; } = promptTokens;

    /// <summary>The context the server has for the request, when it says.</summary>
    public int? ContextTokens { get; } = contextTokens;

    [GeneratedRegex(@"maximum context length is (\d+) tokens.*?resulted in (\d+) tokens", RegexOptions.Singleline)]
    private static partial Regex OpenAiMessage();

    public static ContextOverflowException? From(ClientResultException ex)
    {
        if (ex.Status != 400 || ex.GetRawResponse()?.Content is not { } content) return null;
        try
        {
            using var body = JsonDocument.Parse(content);
            if (!body.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return null;
            if (Text(error, "type") == "exceed_context_size_error" && error.TryGetProperty("n_prompt_tokens", out var prompt) && prompt.TryGetInt32(out var tokens))
                return new(tokens, error.TryGetProperty("n_ctx", out var context) && context.TryGetInt32(out var n) ? n : null);
            if (Text(error, "code") == "context_length_exceeded" && OpenAiMessage().Match(Text(error, "message") ?? "") is { Success: true } match)
                return new(int.Parse(match.Groups[2].Value), int.Parse(match.Groups[1].Value));
            return null;
        }
        catch (JsonException)
        {
            return null; // not a body we know: the caller reports the refusal as it is
        }
    }

    private static string? Text(JsonElement error, string name) =>
        error.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
