using System.Text;
using Gryphgen.Symorg.Data;
using Microsoft.ML.Tokenizers;

namespace Gryphgen.Symorg.Retrieval;

/// <summary>What a task's context is made of: the packed text, its sources in citation order, its size in tokens.</summary>
public sealed record TaskContext(string Text, IReadOnlyList<SearchHitRow> Sources, int Tokens);

/// <summary>
/// Builds the context for a task: one query from the description and one per requirement, each searched (hybrid)
/// in the task's collections and the lessons collection; a chunk found by several queries adds up their fused
/// scores; a chunk that overlaps a better one of the same file is dropped; the rest is packed best first into the
/// token budget (counted with cl100k, the tokenizer closest to what the grid's models use), each under a citation.
/// </summary>
public sealed class ContextBuilder(CollectionRegistry registry, HybridSearch search, Tokenizer tokenizer)
{
    private const int HitsPerQuery = 10;

    public async Task<TaskContext> BuildAsync(string description, IReadOnlyList<string> requirements,
        IReadOnlyList<string> collectionNames, int tokenBudget, CancellationToken cancellationToken)
    {
        var collections = new List<Collection>();
        foreach (var name in collectionNames.Distinct()) collections.Add(await registry.FindAsync(name, cancellationToken));
        if (!collectionNames.Contains(CollectionRegistry.Lessons) && await registry.TryFindAsync(CollectionRegistry.Lessons, cancellationToken) is { } lessons)
            collections.Add(lessons);

        var queries = requirements.Prepend(description).Where(q => !string.IsNullOrWhiteSpace(q)).ToList();
        var scored = new Dictionary<(string, long), SearchHitRow>();
        foreach (var collection in collections)
        {
            foreach (var query in queries)
            {
                var hits = await search.SearchAsync(collection, query, RetrievalMode.Hybrid, SearchFilter.None, HitsPerQuery, cancellationToken);
                foreach (var hit in hits)
                {
                    var key = (collection.Name, hit.ChunkId);
                    scored[key] = scored.TryGetValue(key, out var seen) ? seen with { Score = seen.Score + hit.Score } : hit;
                }
            }
        }
        return Pack(WithoutOverlaps(scored.Values.OrderByDescending(h => h.Score)), tokenBudget);
    }

    private static List<SearchHitRow> WithoutOverlaps(IEnumerable<SearchHitRow> best)
    {
        var kept = new List<SearchHitRow>();
        foreach (var hit in best)
        {
            var overlaps = kept.Any(k => k.Collection == hit.Collection && k.SourceUri == hit.SourceUri
                && k.StartLine <= hit.EndLine && hit.StartLine <= k.EndLine);
            if (!overlaps) kept.Add(hit);
        }
        return kept;
    }

    private TaskContext Pack(List<SearchHitRow> candidates, int tokenBudget)
    {
        var text = new StringBuilder();
        var sources = new List<SearchHitRow>();
        var tokens = 0;
        foreach (var hit in candidates)
        {
            var block = $"[{sources.Count + 1}] {hit.Collection}:{hit.SourceUri}:{hit.StartLine}-{hit.EndLine}\n{hit.Text}\n\n";
            // Counted whole, not summed by block: tokens can merge across a block's edge.
            var withBlock = tokenizer.CountTokens(text + block);
            if (withBlock > tokenBudget) continue; // a smaller chunk further down may still fit
            text.Append(block);
            sources.Add(hit);
            tokens = withBlock;
        }
        return new TaskContext(text.ToString(), sources, tokens);
    }
}
