using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gryphgen.Testing;

/// <summary>
/// An OpenAI-compatible server whose answers the test scripts: for tests of what happens around a model (the
/// workflow, the agents, the scheduler) where a real model's output cannot be chosen. It speaks the real protocol
/// over real HTTP: <c>/v1/models</c>, <c>/v1/chat/completions</c> (plain and streamed) and <c>/v1/embeddings</c>.
/// </summary>
public sealed class ScriptedLlmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _script = new();
    private TaskCompletionSource _gate = CompletedGate();
    private bool _holdMidStream;
    private bool _holdAfterHeaders;
    private int _inFlight;
    private int _maxInFlight;
    private int _abandoned;

    private ScriptedLlmServer(WebApplication app, Uri url, string modelId)
    {
        _app = app;
        Url = url;
        ModelId = modelId;
    }

    public Uri Url { get; }

    public string ModelId { get; }

    /// <summary>Every chat request received, with the headers GRYPHGEN adds, in arrival order.</summary>
    public ConcurrentQueue<ScriptedRequest> Requests { get; } = new();

    /// <summary>Each chat request answered, with the tokens its <c>usage</c> reported (<see cref="TokensOf"/>).</summary>
    public ConcurrentQueue<(ScriptedRequest Request, int Tokens)> Reported { get; } = new();

    /// <summary>Every <c>/v1/models</c> request received (a probe's), with its headers, in arrival order.</summary>
    public ConcurrentQueue<ScriptedRequest> ModelListRequests { get; } = new();

    /// <summary>Every text a <c>/v1/embeddings</c> request asked to embed, in arrival order: what the model was made to do.</summary>
    public ConcurrentQueue<string> EmbeddedTexts { get; } = new();

    /// <summary>When set, <c>/v1/models</c> requests are answered with this status and plain-text body instead.</summary>
    public (int Status, string Body)? ModelListFailure { get; set; }

    /// <summary>When set, chat requests are answered with this status and plain-text body instead.</summary>
    public (int Status, string Body)? ChatFailure { get; set; }

    /// <summary>
    /// When set, a streamed answer goes out in this many chunks with this pause before each but the first, as a slow
    /// model sends its tokens; unset, in about three chunks at once.
    /// </summary>
    public (int Chunks, TimeSpan Interval)? Pace { get; set; }

    /// <summary>The answer when the script is empty; by default the fixed text "ok".</summary>
    public Func<ScriptedRequest, string> Fallback { get; set; } = _ => "ok";

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// The most requests this server ever held open at once, counted at the moment each arrives: a peak that polling
    /// from outside could miss.
    /// </summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Chat requests the caller abandoned before this server finished answering them.</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <param name="at">Where an earlier server was, to stand in for it after a crash; a free port when null.</param>
    public static async Task<ScriptedLlmServer> StartAsync(string modelId = "scripted-model", Uri? at = null)
    {
        var builder = LoopbackWebApp.CreateBuilder(out var url, at);
        var app = builder.Build();
        var server = new ScriptedLlmServer(app, url, modelId);
        app.MapGet("/v1/models", (HttpContext context) =>
        {
            server.ModelListRequests.Enqueue(new ScriptedRequest([], HeadersOf(context)));
            return server.ModelListFailure is (int status, string body) ? Results.Text(body, statusCode: status)
                : Results.Json(new { @object = "list", data = new[] { new { id = modelId, @object = "model" } } });
        });
        app.MapPost("/v1/chat/completions", server.ChatAsync);
        app.MapPost("/v1/embeddings", server.EmbedAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>Answers to give, one per chat request, before falling back to <see cref="Fallback"/>.</summary>
    public void Enqueue(params string[] contents)
    {
        foreach (var content in contents) _script.Enqueue(content);
    }

    /// <summary>
    /// From now on requests wait (holding their connection) until <see cref="Release"/>: before answering, or, with
    /// <paramref name="midStream"/>, a streamed answer after its first chunk, so the caller has bytes in hand; with
    /// <paramref name="afterHeaders"/>, a whole answer after its headers and the first half of its body.
    /// </summary>
    public void Hold(bool midStream = false, bool afterHeaders = false)
    {
        _holdMidStream = midStream;
        _holdAfterHeaders = afterHeaders;
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _gate.TrySetResult();

    private async Task ChatAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var peak = MaxInFlight; inFlight > peak; peak = MaxInFlight)
            Interlocked.CompareExchange(ref _maxInFlight, inFlight, peak);
        try
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var request = new ScriptedRequest(body, HeadersOf(context));
            Requests.Enqueue(request);
            if (ChatFailure is (int status, string failure))
            {
                context.Response.StatusCode = status;
                await context.Response.WriteAsync(failure);
                return;
            }
            var stream = body["stream"] is JsonValue s && s.TryGetValue<bool>(out var streaming) && streaming;
            var gate = _gate.Task;
            var midStream = stream && _holdMidStream;
            var afterHeaders = !stream && _holdAfterHeaders;
            if (!midStream && !afterHeaders) await gate.WaitAsync(context.RequestAborted);
            var content = _script.TryDequeue(out var next) ? next : Fallback(request);
            Reported.Enqueue((request, TokensOf(content)));
            var includeUsage = (body["stream_options"] as JsonObject)?["include_usage"] is JsonValue u && u.TryGetValue<bool>(out var usage) && usage;
            if (stream) await StreamAsync(context, content, midStream ? gate : Task.CompletedTask, includeUsage);
            else await WholeAsync(context, content, afterHeaders ? gate : Task.CompletedTask);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _abandoned);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>One fixed two-dimensional vector per input, a string or an array of them, as OpenAI answers a batch.</summary>
    private async Task EmbedAsync(HttpContext context)
    {
        var input = (await JsonNode.ParseAsync(context.Request.Body))?["input"];
        List<string> texts = input is JsonArray batch ? [.. batch.Select(t => t?.ToString() ?? "")] : [input?.ToString() ?? ""];
        foreach (var text in texts) EmbeddedTexts.Enqueue(text);
        await context.Response.WriteAsJsonAsync(new
        {
            @object = "list", model = ModelId,
            data = texts.Select((_, index) => new { @object = "embedding", index, embedding = new[] { 0.6f, 0.8f } }),
            usage = new { prompt_tokens = texts.Count, total_tokens = texts.Count },
        });
    }

    private static Dictionary<string, string> HeadersOf(HttpContext context) =>
        context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private object Completion(string content) => new
    {
        id = "chatcmpl-scripted", @object = "chat.completion", created = 0, model = ModelId,
        choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content } } },
        usage = Usage(content),
    };

    /// <summary>The token counts reported for an answer: 10 for the prompt, one per four characters of the answer.</summary>
    public static int TokensOf(string content) => 10 + Math.Max(1, content.Length / 4);

    private static object Usage(string content) =>
        new { prompt_tokens = 10, completion_tokens = TokensOf(content) - 10, total_tokens = TokensOf(content) };

    private async Task StreamAsync(HttpContext context, string content, Task afterFirstChunk, bool includeUsage)
    {
        context.Response.ContentType = "text/event-stream";
        var first = true;
        var pace = Pace;
        var size = pace is { Chunks: var chunks } ? (content.Length + chunks - 1) / chunks : content.Length / 3;
        foreach (var piece in content.Chunk(Math.Max(1, size)).Select(c => new string(c)))
        {
            if (!first) await afterFirstChunk.WaitAsync(context.RequestAborted);
            if (!first && pace is { Interval: var interval }) await Task.Delay(interval, context.RequestAborted);
            first = false;
            var chunk = new
            {
                id = "chatcmpl-scripted", @object = "chat.completion.chunk", created = 0, model = ModelId,
                choices = new[] { new { index = 0, delta = new { content = piece }, finish_reason = (string?)null } },
            };
            await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n");
            await context.Response.Body.FlushAsync();
        }
        // As OpenAI sends it when asked (stream_options.include_usage): a last chunk with no choices and the usage.
        if (includeUsage)
        {
            var last = new { id = "chatcmpl-scripted", @object = "chat.completion.chunk", created = 0, model = ModelId, choices = Array.Empty<object>(), usage = Usage(content) };
            await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(last)}\n\n");
        }
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private async Task WholeAsync(HttpContext context, string content, Task afterFirstHalf)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(Completion(content));
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await afterFirstHalf.WaitAsync(context.RequestAborted);
        await context.Response.Body.WriteAsync(body.AsMemory(body.Length / 2), context.RequestAborted);
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.DisposeAsync();
    }
}

/// <summary>A chat request as the scripted server received it.</summary>
public sealed record ScriptedRequest(JsonObject Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The text of every message, for finding what a prompt was about.</summary>
    public string Text => string.Join('\n', (Body["messages"] as JsonArray ?? []).Select(m => m?["content"]?.ToString()));

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
