using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>Raw HTTP against the gateway, for what an OpenAI client library would not let a test send.</summary>
internal sealed class GatewayClient(Uri gateway, string? apiKey = GridProcesses.ApiKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromMinutes(2) };

    public static JsonObject Chat(string model, int maxTokens, string content = "hello", bool stream = false) => new()
    {
        ["model"] = model, ["max_tokens"] = maxTokens, ["stream"] = stream,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
    };

    public Task<HttpResponseMessage> PostAsync(string path, JsonNode body, string? priority = null, CancellationToken ct = default,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        PostRawAsync(path, body.ToJsonString(), priority, ct, completion);

    public async Task<HttpResponseMessage> PostRawAsync(string path, string body, string? priority = null, CancellationToken ct = default,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (priority is not null) request.Headers.TryAddWithoutValidation("X-Gryphgen-Priority", priority);
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return await _http.SendAsync(request, completion, ct);
    }

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The OpenAI-style error of a failed response: (status, type, code, param, message).</summary>
    public static async Task<(int Status, string? Type, string? Code, string? Param, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        return ((int)response.StatusCode, (string?)error["type"], (string?)error["code"], (string?)error["param"], (string)error["message"]!);
    }

    public void Dispose() => _http.Dispose();
}
