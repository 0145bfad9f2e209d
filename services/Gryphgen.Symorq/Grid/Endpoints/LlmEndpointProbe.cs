using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gryphgen.Contracts.Llm;

namespace Gryphgen.Symorq.Grid.Endpoints;

/// <summary>
/// Reads an endpoint's live state: for llama.cpp <c>/health</c> (503 while the model loads), <c>/v1/models</c>
/// (model and context size) and <c>/slots</c> (parallel capacity and how many are busy); for any
/// other kind <c>/v1/models</c>. The grid learns speed from its own traffic, not from what a server says of itself.
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

            var modelIds = await ReadModelsAsync(endpoint, facts, cancellationToken);
            int? slots = null, contextPerSlot = null;
            if (isLlamaCpp)
            {
                using var slotList = await GetJsonAsync(endpoint, "slots", cancellationToken);
                var all = slotList.RootElement.EnumerateArray().ToList();
                slots = all.Count;
                if (all.Count > 0 && all[0].TryGetProperty("n_ctx", out var nCtx)) contextPerSlot = nCtx.GetInt32();
                facts["slots"] = slots.Value.ToString();
                facts["busy_slots"] = all.Count(s => s.TryGetProperty("is_processing", out var p) && p.GetBoolean()).ToString();
                if (contextPerSlot is { } c) facts["n_ctx"] = c.ToString();
            }

            var model = facts.GetValueOrDefault("model", "no model listed");
            var slotsText = slots is { } n ? $", {n} slots" : "";
            var ctxText = contextPerSlot is { } ctx ? $", context {ctx}" : "";
            return new(true, $"{model}{slotsText}{ctxText}", facts)
            {
                ModelIds = modelIds, Slots = slots, ContextPerSlot = contextPerSlot,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException
                                       or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Fixed words, never the endpoint's text: its answer may be anything, and the detail reaches listings,
            // gateway errors and logs.
            var why = ex switch
            {
                HttpRequestException { StatusCode: { } status } => $"it answered HTTP {(int)status}",
                HttpRequestException => ex.Message, // not reached, refused by address screening, or too large
                TaskCanceledException => $"no answer within {http.Timeout} ({GridOptions.Section}:{nameof(GridOptions.ProbeTimeout)})",
                _ => "its answer is not what an OpenAI-compatible server sends",
            };
            return new(false, $"{endpoint.BaseUri} does not answer as an OpenAI-compatible server: {why}", facts);
        }
    }

    private async Task<IReadOnlyList<string>> ReadModelsAsync(LlmEndpointOptions endpoint, Dictionary<string, string> facts, CancellationToken ct)
    {
        using var models = await GetJsonAsync(endpoint, "v1/models", ct);
        var data = models.RootElement.GetProperty("data").EnumerateArray().ToList();
        var ids = data.Select(m => m.GetProperty("id").GetString()).OfType<string>().ToList();
        if (data.Count > 0)
        {
            facts["model"] = ids.FirstOrDefault() ?? "?";
            if (data[0].TryGetProperty("meta", out var meta) && meta.TryGetProperty("n_ctx_train", out var nCtxTrain))
                facts["n_ctx_train"] = nCtxTrain.ToString();
        }
        return ids;
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
