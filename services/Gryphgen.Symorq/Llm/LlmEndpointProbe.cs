using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Gryphgen.Symorq.Llm;

/// <summary>What a probe learned about one endpoint.</summary>
public sealed record LlmEndpointState(bool Healthy, string Detail, IReadOnlyDictionary<string, string> Facts);

/// <summary>
/// Reads an endpoint's live state: for llama.cpp <c>/health</c> (503 while the model loads), <c>/v1/models</c>
/// (model and context size) and <c>/slots</c> (parallel capacity); for any other kind <c>/v1/models</c>.
/// </summary>
public sealed class LlmEndpointProbe(HttpClient http)
{
    public async Task<LlmEndpointState> ProbeAsync(LlmEndpointOptions endpoint, CancellationToken cancellationToken)
    {
        var facts = new Dictionary<string, string> { ["kind"] = endpoint.Kind, ["url"] = endpoint.BaseUri.ToString() };
        try
        {
            var isLlamaCpp = endpoint.Kind == LlmEndpointKinds.LlamaCpp;
            if (isLlamaCpp)
            {
                using var health = await SendAsync(endpoint, "health", cancellationToken);
                if (health.StatusCode == HttpStatusCode.ServiceUnavailable)
                    return new(false, "llama-server is still loading its model", facts);
                health.EnsureSuccessStatusCode();
            }

            using (var models = await GetJsonAsync(endpoint, "v1/models", cancellationToken))
            {
                var first = models.RootElement.GetProperty("data").EnumerateArray().FirstOrDefault();
                if (first.ValueKind == JsonValueKind.Object)
                {
                    facts["model"] = first.GetProperty("id").GetString() ?? "?";
                    if (first.TryGetProperty("meta", out var meta) && meta.TryGetProperty("n_ctx_train", out var nCtxTrain))
                        facts["n_ctx_train"] = nCtxTrain.ToString();
                }
            }

            if (isLlamaCpp)
            {
                using var slots = await GetJsonAsync(endpoint, "slots", cancellationToken);
                var all = slots.RootElement.EnumerateArray().ToList();
                facts["slots"] = all.Count.ToString();
                facts["busy_slots"] = all.Count(s => s.TryGetProperty("is_processing", out var p) && p.GetBoolean()).ToString();
                if (all.Count > 0 && all[0].TryGetProperty("n_ctx", out var nCtx)) facts["n_ctx"] = nCtx.ToString();
            }

            var model = facts.GetValueOrDefault("model", "no model listed");
            var slotsText = facts.TryGetValue("slots", out var n) ? $", {n} slots" : "";
            var ctxText = facts.TryGetValue("n_ctx", out var c) ? $", context {c}" : "";
            return new(true, $"{model}{slotsText}{ctxText}", facts);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new(false, $"{endpoint.BaseUri} does not answer as an OpenAI-compatible server: {ex.Message}", facts);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(LlmEndpointOptions endpoint, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.BaseUri, path));
        if (!string.IsNullOrEmpty(endpoint.ApiKey))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.ApiKey);
        return await http.SendAsync(request, ct);
    }

    private async Task<JsonDocument> GetJsonAsync(LlmEndpointOptions endpoint, string path, CancellationToken ct)
    {
        using var response = await SendAsync(endpoint, path, ct);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await JsonDocument.ParseAsync(body, cancellationToken: ct);
    }
}
