using System.Buffers;
using System.Text.Json;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>
/// Token counts and speed an endpoint reported with its answer: OpenAI's <c>usage</c>, and llama.cpp's
/// <c>timings.predicted_per_second</c> where present.
/// </summary>
public sealed class UsageReport
{
    public int InputTokens { get; private set; }

    public int OutputTokens { get; private set; }

    /// <summary>Whether the answer carried <c>usage</c> (in a stream, its last events do).</summary>
    public bool HasUsage { get; private set; }

    public int TotalTokens => InputTokens + OutputTokens;

    public double? TokensPerSecond { get; private set; }

    /// <summary>Seconds the endpoint spent on the prompt (llama.cpp <c>timings.prompt_ms</c>): its time to first token.</summary>
    public double? PromptSeconds { get; private set; }

    public string? ResponseModel { get; private set; }

    /// <summary>Reads a whole JSON answer (non-streaming).</summary>
    public void ReadJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            Read(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON: relayed as it is; nothing to learn from it.
        }
    }

    private void Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return;
        if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String) ResponseModel = model.GetString();
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            HasUsage = true;
            if (usage.TryGetProperty("prompt_tokens", out var prompt) && prompt.TryGetInt32(out var p)) InputTokens = p;
            if (usage.TryGetProperty("completion_tokens", out var completion) && completion.TryGetInt32(out var c)) OutputTokens = c;
        }
        if (root.TryGetProperty("timings", out var timings) && timings.ValueKind == JsonValueKind.Object
            && timings.TryGetProperty("predicted_per_second", out var speed) && speed.TryGetDouble(out var s) && s > 0)
        {
            TokensPerSecond = s;
        }
        if (root.TryGetProperty("timings", out var t) && t.ValueKind == JsonValueKind.Object
            && t.TryGetProperty("prompt_ms", out var promptMs) && promptMs.TryGetDouble(out var ms))
        {
            PromptSeconds = ms / 1000;
        }
    }

    /// <summary>
    /// Follows a server-sent-event stream as it passes, reading only the events that carry usage or timings (the last
    /// ones), so that relaying stays a copy.
    /// </summary>
    public sealed class StreamReader(UsageReport report)
    {
        private static readonly byte[] Usage = "\"usage\""u8.ToArray();
        private static readonly byte[] Timings = "\"timings\""u8.ToArray();
        private static readonly byte[] DataPrefix = "data: "u8.ToArray();
        private readonly ArrayBufferWriter<byte> _line = new();

        public void Feed(ReadOnlySpan<byte> chunk)
        {
            while (!chunk.IsEmpty)
            {
                var newline = chunk.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _line.Write(chunk);
                    return;
                }
                _line.Write(chunk[..newline]);
                ReadLine(_line.WrittenSpan);
                _line.ResetWrittenCount();
                chunk = chunk[(newline + 1)..];
            }
        }

        private void ReadLine(ReadOnlySpan<byte> line)
        {
            if (!line.StartsWith(DataPrefix)) return;
            var data = line[DataPrefix.Length..];
            if (data.IndexOf(Usage) >= 0 || data.IndexOf(Timings) >= 0) report.ReadJson(data);
            else if (report.ResponseModel is null) report.ReadJson(data);
        }
    }

    public override string ToString() => $"{InputTokens} in, {OutputTokens} out" + (TokensPerSecond is { } s ? $", {s:0.0} tok/s" : "");

}
