using System.Text.Json;
using System.Text.Json.Nodes;
using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Http;

namespace Gryphgen.Symorq.Gateway;

/// <summary>The two things the gateway forwards, with the upstream path and the field each must carry.</summary>
public sealed record GatewayOperation(string Name, string Path, string RequiredField)
{
    public static readonly GatewayOperation Chat = new("chat", "v1/chat/completions", "messages");
    public static readonly GatewayOperation Embeddings = new("embeddings", "v1/embeddings", "input");
}

/// <summary>
/// A validated gateway request. The body is kept whole — every field the client sent (response_format, tools, ...)
/// goes upstream untouched; only the model may be rewritten from an alias to the endpoint's own model id.
/// </summary>
public sealed class GatewayRequest
{
    public const string TaskHeader = "X-Gryphgen-Task";
    public const string RoleHeader = "X-Gryphgen-Role";

    private GatewayRequest(GatewayOperation operation, JsonObject body, byte[] bytes)
    {
        Operation = operation;
        Body = body;
        Bytes = bytes;
    }

    public GatewayOperation Operation { get; }

    public JsonObject Body { get; }

    /// <summary>The body exactly as the client sent it.</summary>
    public byte[] Bytes { get; }

    public string Model => Body["model"]!.GetValue<string>();

    public bool Stream => Body["stream"] is JsonValue v && v.TryGetValue<bool>(out var stream) && stream;

    /// <summary>Temperature 0 and not streaming: the same request always gets the same answer, so it may be cached.</summary>
    public bool Deterministic => !Stream && Body["temperature"] is JsonValue t && t.TryGetValue<double>(out var temperature) && temperature == 0;

    public int? MaxTokens => (Body["max_completion_tokens"] ?? Body["max_tokens"]) is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;

    /// <summary>A cheap estimate of the prompt's tokens (about four characters each), for the context fit.</summary>
    public int PromptTokensEstimate => (Body[Operation.RequiredField]?.ToJsonString().Length ?? 0) / 4;

    public int Priority { get; private init; }

    public string? TaskId { get; private init; }

    public string? Role { get; private init; }

    public DateTimeOffset ArrivedAt { get; private init; }

    /// <summary>Reads and validates the request; a <see cref="GatewayRejection"/> says what is wrong.</summary>
    public static async Task<GatewayRequest> ReadAsync(HttpRequest request, GatewayOperation operation, long maxBytes, DateTimeOffset now)
    {
        if (!GridPriority.TryParse(request.Headers[GridPriority.Header], out var priority))
        {
            throw new GatewayRejection(OpenAiError.InvalidRequest(
                $"{GridPriority.Header} must be high, normal, low or a digit 0-9 (got '{request.Headers[GridPriority.Header]}')",
                GridPriority.Header, "invalid_priority"));
        }
        var bytes = await RequestBody.ReadAsync(request, maxBytes, () => TooLarge(maxBytes));
        JsonObject body;
        try
        {
            body = JsonNode.Parse(bytes) as JsonObject
                   ?? throw new GatewayRejection(OpenAiError.InvalidRequest("The request body must be a JSON object."));
        }
        catch (JsonException ex)
        {
            throw new GatewayRejection(OpenAiError.InvalidRequest($"The request body is not valid JSON: {ex.Message}", code: "invalid_json"));
        }

        if (body["model"] is not JsonValue model || !model.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
            throw new GatewayRejection(OpenAiError.InvalidRequest("You must provide a model parameter (a model id or an alias of the grid).", "model"));
        if (body[operation.RequiredField] is null or JsonArray { Count: 0 })
            throw new GatewayRejection(OpenAiError.InvalidRequest($"'{operation.RequiredField}' is required and must not be empty.", operation.RequiredField));
        if ((body["max_completion_tokens"] ?? body["max_tokens"]) is { } maxTokens
            && (maxTokens is not JsonValue v || !v.TryGetValue<int>(out var n) || n < 1))
            throw new GatewayRejection(OpenAiError.InvalidRequest("max_tokens must be a positive integer.", "max_tokens"));

        return new GatewayRequest(operation, body, bytes)
        {
            Priority = priority,
            TaskId = request.Headers[TaskHeader].FirstOrDefault(),
            Role = request.Headers[RoleHeader].FirstOrDefault(),
            ArrivedAt = now,
        };
    }

    /// <summary>The body to send to an endpoint: as received, or with the alias replaced by the endpoint's model id.</summary>
    public byte[] BodyFor(string upstreamModel)
    {
        if (upstreamModel == Model) return Bytes;
        var copy = Body.DeepClone().AsObject();
        copy["model"] = upstreamModel;
        return JsonSerializer.SerializeToUtf8Bytes(copy);
    }

    private static GatewayRejection TooLarge(long maxBytes) => new(new OpenAiError(StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than the gateway accepts ({maxBytes} bytes, Gryphgen:Gateway:MaxRequestBytes).",
        "invalid_request_error", Code: "request_too_large"));
}
