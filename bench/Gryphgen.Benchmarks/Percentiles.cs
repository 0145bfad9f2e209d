namespace Gryphgen.Benchmarks;

/// <summary>Percentiles of measured durations, for the tables in docs/benchmarks.md.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percentile"/> (0–100) of <paramref name="samples"/> by the nearest-rank method.</summary>
    public static double Of(IReadOnlyList<double> samples, double percentile)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples", nameof(samples));
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
