namespace Gryphgen.Symorg.Retrieval;

/// <summary>
/// Reciprocal rank fusion (Cormack et al., 2009): each list adds 1 / (k + rank) to a chunk's score. It needs no
/// calibration between cosine similarities and text ranks, which is why Haystack and Kernel Memory use it too.
/// </summary>
public static class ReciprocalRankFusion
{
    public const int K = 60;

    public static IReadOnlyList<SearchHitRow> Fuse(IEnumerable<IReadOnlyList<SearchHitRow>> lists, int limit)
    {
        var fused = new Dictionary<long, (SearchHitRow Hit, double Score)>();
        foreach (var list in lists)
        {
            for (var rank = 0; rank < list.Count; rank++)
            {
                var hit = list[rank];
                var score = 1.0 / (K + rank + 1);
                fused[hit.ChunkId] = fused.TryGetValue(hit.ChunkId, out var seen) ? (seen.Hit, seen.Score + score) : (hit, score);
            }
        }
        return fused.Values.OrderByDescending(f => f.Score).ThenBy(f => f.Hit.ChunkId)
            .Take(limit).Select(f => f.Hit with { Score = f.Score }).ToList();
    }
}
