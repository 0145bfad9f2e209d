using System.Collections.Concurrent;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// What the agent has learnt of each model's tokens. The packer counts in cl100k, a stand-in: a model whose tokenizer
/// splits text finer (a small vocabulary, a chat template of its own) takes more tokens for the same prompt, and its
/// endpoint may give a request less context than <c>Agent:ContextTokens</c> (llama-server's slot). Each answer's
/// prompt token count, and each refusal's (<see cref="ContextOverflowException"/>), teaches the ratio and the context, so the
/// next prompt for that model is packed to fit it.
/// </summary>
public sealed class ModelTokenFit
{
    private readonly ConcurrentDictionary<string, Fit> _fits = new(StringComparer.Ordinal);

    /// <summary>How many cl100k tokens the prompt may take for <paramref name="model"/> to leave room for the reply.</summary>
    public int Budget(string model, int contextTokens, int maxOutputTokens)
    {
        var fit = _fits.GetValueOrDefault(model, Fit.Unknown);
        var window = Math.Min(contextTokens, fit.ContextTokens ?? int.MaxValue) - maxOutputTokens;
        return (int)(window / fit.Ratio);
    }

    /// <summary>
    /// A prompt the packer counted as <paramref name="counted"/> took <paramref name="actual"/> of the model's tokens
    /// (and the server has <paramref name="contextTokens"/>, when it said). The ratio kept is the largest seen, never
    /// below 1: a prompt that fits once fits again.
    /// </summary>
    public void Observe(string model, int counted, int actual, int? contextTokens = null)
    {
        if (counted <= 0 || actual <= 0) return; // an endpoint that reports no usage teaches nothing
        var ratio = (double)actual / counted;
        _fits.AddOrUpdate(model, _ => new Fit(Math.Max(1, ratio), contextTokens),
            (_, fit) => new Fit(Math.Max(fit.Ratio, ratio), contextTokens ?? fit.ContextTokens));
    }

    private sealed record Fit(double Ratio, int? ContextTokens)
    {
        public static readonly Fit Unknown = new(1, null);
    }
}
