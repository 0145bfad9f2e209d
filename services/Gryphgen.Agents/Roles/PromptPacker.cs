using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// Fills a role's prompt from a job and trims it (see <see cref="PromptMaterial"/>) until it fits a budget in tokens,
/// counted with cl100k: the grid's models each have their own tokenizer, and cl100k is a close, fast stand-in.
/// </summary>
public sealed class PromptPacker(Tokenizer tokenizer)
{
    /// <summary>Tokens a chat template adds around each message (role markers), and once to prime the reply.</summary>
    private const int PerMessageTokens = 4;
    private const int ReplyPrimingTokens = 3;

    public IReadOnlyList<ChatMessage> Pack(PromptTemplate template, RoleJob job, int budget)
    {
        var material = new PromptMaterial(job);
        while (true)
        {
            var messages = template.Render(material.Values());
            var used = CountTokens(messages);
            if (used <= budget) return messages;
            if (!material.Trim(used - budget, tokenizer))
                throw new RoleJobFailedException(
                    $"the task alone takes {used} prompt tokens but only {budget} fit (Agent:ContextTokens less the reply's max output tokens): shorten the task or use a model with a larger context");
        }
    }

    public int CountTokens(IEnumerable<ChatMessage> messages) =>
        messages.Sum(m => tokenizer.CountTokens(m.Text) + PerMessageTokens) + ReplyPrimingTokens;
}
