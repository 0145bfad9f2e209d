using System.Text.Json;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Llm;
using Gryphgen.Symorq.Http;

namespace Gryphgen.Symorq.Grid.Gateway;

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
/// <remarks>
/// Read in one pass of a <see cref="Utf8JsonReader"/> over the top-level fields, without building a document: the
/// gateway needs six fields of a body that is mostly the prompt, so a DOM of the prompt (and writing it out again to
/// measure it) was work done on every request for nothing.
/// </remarks>
public sealed class GatewayRequest
{
    /// <summary>Where the model's JSON string lies in <see cref="Bytes"/>.</summary>
    private readonly Range _modelToken;

    private GatewayRequest(GatewayOperation operation, byte[] bytes, BodyFields fields)
    {
        Operation = operation;
        Bytes = bytes;
        Model = fields.Model!;
        _modelToken = fields.ModelToken;
        Stream = fields.Stream;
        Deterministic = !fields.Stream && fields.Temperature == 0;
        MaxTokens = fields.MaxCompletionTokens ?? fields.MaxTokens;
        PromptTokensEstimate = fields.RequiredFieldBytes / 4;
    }

    public GatewayOperation Operation { get; }

    /// <summary>The body exactly as the client sent it.</summary>
    public byte[] Bytes { get; }

    public string Model { get; }

    public bool Stream { get; }

    /// <summary>Temperature 0 and not streaming: the same request always gets the same answer, so it may be cached.</summary>
    public bool Deterministic { get; }

    public int? MaxTokens { get; }

    /// <summary>A cheap estimate of the prompt's tokens (about four bytes of JSON each), for the context fit.</summary>
    public int PromptTokensEstimate { get; }

    public int Priority { get; private init; }

    public string? TaskId { get; private init; }

    public string? Role { get; private init; }

    public DateTimeOffset ArrivedAt { get; private init; }

    /// <summary>Reads and validates the request; a <see cref="GatewayRejection"/> says what is wrong.</summary>
    public static async Task<GatewayRequest> ReadAsync(HttpRequest request, GatewayOperation operation, long maxBytes, DateTimeOffset now)
    {
        if (!GridPriority.TryParse(request.Headers[GryphgenHeaders.Priority], out var priority))
        {
            throw new GatewayRejection(OpenAiError.InvalidRequest(
                $"{GryphgenHeaders.Priority} must be high, normal, low or a digit 0-9 (got '{request.Headers[GryphgenHeaders.Priority]}')",
                GryphgenHeaders.Priority, "invalid_priority"));
        }
        var bytes = await BoundedBody.ReadAsync(request, maxBytes, () => TooLarge(maxBytes));
        BodyFields fields;
        try
        {
            fields = BodyFields.Read(bytes, operation.RequiredField);
        }
        catch (JsonException ex)
        {
            throw new GatewayRejection(OpenAiError.InvalidRequest($"The request body is not valid JSON: {ex.Message}", code: "invalid_json"));
        }
        fields.Validate(operation.RequiredField);

        return new GatewayRequest(operation, bytes, fields)
        {
            Priority = priority,
            TaskId = request.Headers[GryphgenHeaders.Task].FirstOrDefault(),
            Role = request.Headers[GryphgenHeaders.Role].FirstOrDefault(),
            ArrivedAt = now,
        };
    }

    /// <summary>The body to send to an endpoint: as received, or with the alias replaced by the endpoint's model id.</summary>
    public byte[] BodyFor(string upstreamModel)
    {
        if (upstreamModel == Model) return Bytes;
        var (offset, length) = _modelToken.GetOffsetAndLength(Bytes.Length);
        byte[] model = JsonSerializer.SerializeToUtf8Bytes(upstreamModel);
        return [.. Bytes.AsSpan(0, offset), .. model, .. Bytes.AsSpan(offset + length)];
    }

    private static GatewayRejection TooLarge(long maxBytes) => new(new OpenAiError(StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than the gateway accepts ({maxBytes} bytes, Gryphgen:Gateway:MaxRequestBytes).",
        "invalid_request_error", Code: "request_too_large"));

    /// <summary>The top-level fields the gateway reads, as found in the body; every other field is skipped unread.</summary>
    private sealed class BodyFields
    {
        /// <summary>The model when it is a JSON string; null when absent or of another kind.</summary>
        public string? Model { get; private set; }

        /// <summary>Where the model's JSON string (quotes included) lies in the body, to swap an alias for a model id.</summary>
        public Range ModelToken { get; private set; }

        public bool Stream { get; private set; }

        public double? Temperature { get; private set; }

        public int? MaxTokens { get; private set; }

        public int? MaxCompletionTokens { get; private set; }

        /// <summary>Set when max_tokens or max_completion_tokens is there but is not a whole number.</summary>
        public bool MaxTokensInvalid { get; private set; }

        /// <summary>How many bytes of JSON the required field (messages or input) takes; 0 when absent or null.</summary>
        public int RequiredFieldBytes { get; private set; }

        public bool RequiredFieldEmpty { get; private set; }

        public static BodyFields Read(ReadOnlySpan<byte> body, string requiredField)
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip(); // a valid value of the wrong kind is refused below; an invalid one throws here
                while (reader.Read()) { }
                throw new GatewayRejection(OpenAiError.InvalidRequest("The request body must be a JSON object."));
            }
            var fields = new BodyFields();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Compared before moving to the value: ValueTextEquals unescapes the name as JSON allows it to be written.
                var field = reader.ValueTextEquals("model"u8) ? "model" : reader.ValueTextEquals("stream"u8) ? "stream"
                    : reader.ValueTextEquals("temperature"u8) ? "temperature" : reader.ValueTextEquals("max_tokens"u8) ? "max_tokens"
                    : reader.ValueTextEquals("max_completion_tokens"u8) ? "max_completion_tokens"
                    : reader.ValueTextEquals(requiredField) ? requiredField : null;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                switch (field)
                {
                    case "model": fields.ReadModel(ref reader, start); break;
                    case "stream": fields.Stream = reader.TokenType == JsonTokenType.True; break;
                    case "temperature": fields.Temperature = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var t) ? t : null; break;
                    case "max_tokens": fields.MaxTokens = fields.ReadTokenLimit(ref reader); break;
                    case "max_completion_tokens": fields.MaxCompletionTokens = fields.ReadTokenLimit(ref reader); break;
                    case not null: fields.ReadRequired(ref reader, body, start); break;
                }
                reader.Skip(); // past the value, whatever it was
            }
            if (reader.Read()) throw new JsonException("There is more after the request's JSON object.");
            return fields;
        }

        public void Validate(string requiredField)
        {
            if (string.IsNullOrWhiteSpace(Model))
                throw new GatewayRejection(OpenAiError.InvalidRequest("You must provide a model parameter (a model id or an alias of the grid).", "model"));
            if (RequiredFieldBytes == 0 || RequiredFieldEmpty)
                throw new GatewayRejection(OpenAiError.InvalidRequest($"'{requiredField}' is required and must not be empty.", requiredField));
            if (MaxTokensInvalid)
                throw new GatewayRejection(OpenAiError.InvalidRequest("max_tokens must be a positive integer.", "max_tokens"));
        }

        private void ReadModel(ref Utf8JsonReader reader, int start)
        {
            Model = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            ModelToken = start..(int)reader.BytesConsumed;
        }

        /// <summary>A positive whole number; null when the field is JSON null (as good as absent).</summary>
        private int? ReadTokenLimit(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n >= 1) return n;
            MaxTokensInvalid = true;
            return null;
        }

        private void ReadRequired(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, int start)
        {
            if (reader.TokenType == JsonTokenType.Null) return;
            var isArray = reader.TokenType == JsonTokenType.StartArray;
            reader.Skip();
            var raw = body[start..(int)reader.BytesConsumed];
            RequiredFieldBytes = raw.Length;
            RequiredFieldEmpty = isArray && raw[1..^1].Trim(" \t\r\n"u8).IsEmpty;
        }
    }
}
