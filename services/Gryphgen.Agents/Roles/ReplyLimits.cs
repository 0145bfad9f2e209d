using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// Bounds written into each role's JSON schema (<c>Agent:Limits:*</c>). llama.cpp turns the schema into a grammar,
/// so these bounds are what stops a small model from writing until it runs out of tokens.
/// </summary>
public sealed class ReplyLimits
{
    /// <summary>Files one generator reply may write.</summary>
    [Range(1, 1000)]
    public int MaxFiles { get; set; } = 16;

    [Range(1, 4096)]
    public int MaxPathChars { get; set; } = 200;

    /// <summary>Characters in one generated file.</summary>
    [Range(1, 1_000_000)]
    public int MaxFileChars { get; set; } = 20_000;

    /// <summary>Entries in a list: the analyzer's problems, the monitor's unmet requirements.</summary>
    [Range(1, 1000)]
    public int MaxItems { get; set; } = 20;

    /// <summary>Characters in a free-text field: summary, advice, message, reason, an unmet requirement.</summary>
    /// <remarks>Not 2000: that exact bound makes this llama.cpp build fail to parse the grammar (see LlamaRoleTests).</remarks>
    [Range(1, 100_000)]
    public int MaxTextChars { get; set; } = 1500;
}
