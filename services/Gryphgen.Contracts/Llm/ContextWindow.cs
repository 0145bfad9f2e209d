namespace Gryphgen.Contracts.Llm;

/// <summary>Tokens of context a model call may use: what the AppHost gives llama-server and what an agent assumes.</summary>
public static class ContextWindow
{
    /// <summary>llama-server's whole context when none is configured, and an agent's window when it is told none.</summary>
    public const int DefaultTokens = 8192;

    /// <summary>The least one slot may have and still hold a role's prompt and its reply.</summary>
    public const int MinTokensPerSlot = 512;
}
