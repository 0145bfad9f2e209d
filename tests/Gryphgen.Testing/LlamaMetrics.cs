namespace Gryphgen.Testing;

/// <summary>llama-server's Prometheus values (<c>/metrics</c>, started with <c>--metrics</c>), wherever the server runs.</summary>
public static class LlamaMetrics
{
    /// <summary>One value, <c>llamacpp:NAME</c>, e.g. requests_processing or tokens_predicted_total.</summary>
    public static async Task<double> ReadAsync(Uri server, string name)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(server, "metrics"));
        var line = text.Split('\n').First(l => l.StartsWith($"llamacpp:{name} ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
