using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Grid.Endpoints;
using Gryphgen.Symorq.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Polly.Timeout;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>
/// Sends a gateway request to the endpoint the scheduler chose and relays the answer as it arrives. A connection
/// error, a 5xx or no answer headers within <see cref="GatewayOptions.FirstByteTimeout"/> moves the request to another
/// endpoint, as does a whole answer whose body stops coming for <see cref="GatewayOptions.StreamIdleTimeout"/>; once
/// bytes have gone out, a failure ends the response, and a stream silent for
/// <see cref="GatewayOptions.StreamIdleTimeout"/> is given up. The caller going away cancels the upstream request.
/// </summary>
public sealed class GatewayForwarder(GridScheduler scheduler, EndpointRegistry registry, EndpointStore store, IHttpClientFactory clients,
    ResponseCache cache, TaskTokenMeter meter, IOptions<GatewayOptions> options, ILogger<GatewayForwarder> logger)
{
    public const string UpstreamClient = "grid-upstream";
    private static readonly string[] ForwardedHeaders = [GryphgenHeaders.Priority, GryphgenHeaders.Task, GryphgenHeaders.Role];

    /// <summary>The first-byte timeout of the endpoint a request goes to, read by the upstream client's timeout (<c>GatewayExtensions</c>).</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> FirstByteTimeout = new("gryphgen.first-byte-timeout");

    public async Task ForwardAsync(HttpContext context, GatewayRequest request)
    {
        using var activity = GryphgenTelemetry.Source.StartActivity($"{request.Operation.Name} {request.Model}", ActivityKind.Client);
        activity?.SetTag("gen_ai.operation.name", request.Operation.Name);
        activity?.SetTag("gen_ai.request.model", request.Model);
        activity?.SetTag("gryphgen.priority", request.Priority);
        activity?.SetTag("gryphgen.task", request.TaskId);
        activity?.SetTag("gryphgen.role", request.Role);

        if (await cache.GetAsync(request) is { } cached)
        {
            activity?.SetTag("gryphgen.cache", "hit");
            context.Response.Headers["X-Gryphgen-Cache"] = "hit";
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = cached.Length;
            await context.Response.Body.WriteAsync(cached, context.RequestAborted);
            Count(request, "cache_hit");
            return;
        }

        var excluded = new HashSet<string>(StringComparer.Ordinal);
        var timedOut = false;
        while (true)
        {
            using var lease = await AcquireAsync(request, excluded, timedOut, context.RequestAborted);
            var endpoint = lease.Endpoint;
            activity?.SetTag("gryphgen.endpoint", endpoint.Name);
            activity?.SetTag("server.address", endpoint.Options.BaseUri.Host);
            activity?.SetTag("gryphgen.queue.wait_ms", lease.QueueWait.TotalMilliseconds);

            var started = Stopwatch.GetTimestamp();
            var (response, problem) = await TrySendAsync(endpoint, request, context.RequestAborted);
            timedOut |= problem == TimedOut;
            if (response is null || (int)response.StatusCode >= 500)
            {
                problem ??= $"answered {(int)response!.StatusCode}";
                response?.Dispose();
                FailOver(endpoint, problem, excluded);
                continue;
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode && !store.IsConfigured(endpoint.Name))
                {
                    // An endpoint added at run time is any URL an admin named: its error text is not passed on.
                    await new OpenAiError((int)response.StatusCode, $"The endpoint '{endpoint.Name}' answered {(int)response.StatusCode}.",
                        response.StatusCode < System.Net.HttpStatusCode.InternalServerError ? "invalid_request_error" : "server_error",
                        Code: "upstream_error").WriteAsync(context.Response);
                    Count(request, "upstream_error");
                    return;
                }
                var (usage, firstByte, silent) = await RelayAsync(context, request, response, endpoint.Options, started,
                    TaskTokenMeter.TaskOf(context.User, request));
                if (silent is { } bodyIdle && !context.Response.HasStarted)
                {
                    // A whole answer whose body stopped coming: the caller has none of it, so another endpoint may answer.
                    timedOut = true;
                    FailOver(endpoint, $"sent its answer's headers, then nothing for {bodyIdle}", excluded);
                    continue;
                }
                if (silent is { } idle)
                {
                    // Too late to fail over (the caller has part of the answer), but the endpoint's failure all the same.
                    endpoint.RecordFailure($"went silent for {idle} in the middle of a streamed answer", registry.Now);
                    Record(activity, endpoint, usage, firstByte, Stopwatch.GetElapsedTime(started));
                    Count(request, "idle_timeout");
                    return;
                }
                if (response.IsSuccessStatusCode)
                    endpoint.RecordSuccess(firstByte, Stopwatch.GetElapsedTime(started), usage.OutputTokens, usage.TokensPerSecond);
                Record(activity, endpoint, usage, firstByte, Stopwatch.GetElapsedTime(started));
                Count(request, response.IsSuccessStatusCode ? "ok" : "upstream_error");
            }
            return;
        }
    }

    /// <summary>
    /// A slot on an endpoint not yet tried for this request. When none is left and one of them kept its answer
    /// headers past its first-byte timeout (or its body past its idle timeout), the caller is told so (504), not
    /// merely "unavailable".
    /// </summary>
    private async Task<SlotLease> AcquireAsync(GatewayRequest request, HashSet<string> excluded, bool timedOut, CancellationToken ct)
    {
        try
        {
            return await scheduler.AcquireAsync(new GridRequest(request.Model, request.Priority,
                request.MaxTokens ?? registry.DefaultMaxTokens, request.PromptTokensEstimate, request.ArrivedAt, excluded), ct);
        }
        catch (GridUnavailableException) when (timedOut)
        {
            throw new GatewayRejection(new OpenAiError(StatusCodes.Status504GatewayTimeout,
                $"No endpoint serving '{request.Model}' answered in time (Gryphgen:Gateway:FirstByteTimeout for the answer's headers, " +
                $"{options.Value.FirstByteTimeout}; StreamIdleTimeout for a silence after them, {options.Value.StreamIdleTimeout}; " +
                "unless the endpoint sets its own).",
                "server_error", Code: "upstream_timeout"));
        }
    }

    private void FailOver(GridEndpoint endpoint, string problem, HashSet<string> excluded)
    {
        endpoint.RecordFailure(problem, registry.Now);
        excluded.Add(endpoint.Name);
        GridMetrics.Failovers.Add(1, new KeyValuePair<string, object?>("gryphgen.endpoint", endpoint.Name));
        logger.LogWarning("Endpoint {Endpoint} {Problem} before answering; failing over", endpoint.Name, problem);
    }

    private const string TimedOut = "sent no answer headers in time";

    /// <summary>The endpoint's answer once its headers are in; else null and what went wrong.</summary>
    private async Task<(HttpResponseMessage? Response, string? Problem)> TrySendAsync(GridEndpoint endpoint, GatewayRequest request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint.Options.BaseUri, request.Operation.Path))
        {
            Content = new ByteArrayContent(request.BodyFor(endpoint.Snapshot().UpstreamModel(request.Model))),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Options.Set(FirstByteTimeout, options.Value.FirstByteTimeoutOf(endpoint.Options));
        if (!string.IsNullOrEmpty(endpoint.Options.ApiKey))
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.Options.ApiKey);
        foreach (var header in ForwardedHeaders)
        {
            if (header == GryphgenHeaders.Priority) message.Headers.TryAddWithoutValidation(header, request.Priority.ToString());
            else if ((header == GryphgenHeaders.Task ? request.TaskId : request.Role) is { } value) message.Headers.TryAddWithoutValidation(header, value);
        }
        try
        {
            return (await clients.CreateClient(UpstreamClient).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct), null);
        }
        catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Endpoint {Endpoint} unreachable", endpoint.Name);
            return (null, "connection failed");
        }
        catch (TimeoutRejectedException) when (!ct.IsCancellationRequested)
        {
            return (null, TimedOut);
        }
    }

    /// <summary>
    /// Copies status, content type and body to the caller: a stream piece by piece, flushed as it arrives; a whole
    /// answer at once (and into the cache). Returns what the endpoint reported and its time to first token, where known.
    /// The tokens are metered against <paramref name="meteredTask"/> before the bytes that carry them go out, so that
    /// by the time the agent has its answer (and reports its job done) the task's count includes them.
    /// An endpoint is not trusted to stop: past <see cref="GatewayOptions.MaxResponseBytes"/> a whole answer is refused
    /// (502, nothing of it relayed) and a stream is cut off (the caller's connection aborted). Nor to keep sending: a
    /// stream that sends nothing for its <see cref="GatewayOptions.StreamIdleTimeout"/> is given up (<see cref="RelayStreamAsync"/>).
    /// </summary>
    private async Task<(UsageReport Usage, TimeSpan? FirstToken, TimeSpan? Silent)> RelayAsync(HttpContext context, GatewayRequest request,
        HttpResponseMessage response, LlmEndpointOptions endpoint, long started, string? meteredTask)
    {
        var usage = new UsageReport();
        var outgoing = context.Response;
        var ct = context.RequestAborted;
        outgoing.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } type) outgoing.ContentType = type.ToString();

        if (!request.Stream || !response.IsSuccessStatusCode)
        {
            // A whole answer is bounded like a stream: its body must keep coming once its headers are in.
            var idle = options.Value.StreamIdleTimeoutOf(endpoint);
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(ct);
            silence.CancelAfter(idle);
            byte[] answer;
            try
            {
                answer = await BoundedBody.ReadAsync(await response.Content.ReadAsStreamAsync(silence.Token), response.Content.Headers.ContentLength,
                    options.Value.MaxResponseBytes, () => new GatewayRejection(new OpenAiError(StatusCodes.Status502BadGateway,
                        $"The endpoint's answer is larger than {options.Value.MaxResponseBytes} bytes (Gryphgen:Gateway:MaxResponseBytes).",
                        "server_error", Code: "upstream_response_too_large")), silence.Token, received: () => silence.CancelAfter(idle));
            }
            catch (OperationCanceledException) when (silence.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return (usage, null, idle); // nothing of it relayed: the caller fails over
            }
            usage.ReadJson(answer);
            if (response.IsSuccessStatusCode) await MeterAsync(meteredTask, usage);
            // With its length known the answer goes out in one write, not as a chunk and then a closing chunk.
            outgoing.ContentLength = answer.Length;
            await outgoing.Body.WriteAsync(answer, ct);
            if (response.IsSuccessStatusCode) await cache.SetAsync(request, answer);
            return (usage, usage.PromptSeconds is { } prompt ? TimeSpan.FromSeconds(prompt) : null, null);
        }
        return await RelayStreamAsync(context, response, endpoint, started, meteredTask, usage);
    }

    /// <summary>
    /// Relays a streamed answer chunk by chunk. The wait for each chunk is bounded by the endpoint's
    /// <see cref="GatewayOptions.StreamIdleTimeout"/>, begun anew with every chunk (so a slow model is never cut, a
    /// silent one is); the wait for the first by at least what is left of its first-byte timeout, since some servers
    /// send their headers before reading the prompt. A silent endpoint's stream ends with an error event in OpenAI's
    /// shape (<c>upstream_idle_timeout</c>, no <c>[DONE]</c>), which OpenAI's SDKs raise as an error; the
    /// upstream request is given up and its slot freed. Returns how long it had been silent then, else null.
    /// </summary>
    private async Task<(UsageReport Usage, TimeSpan? FirstToken, TimeSpan? Silent)> RelayStreamAsync(HttpContext context,
        HttpResponseMessage response, LlmEndpointOptions endpoint, long started, string? meteredTask, UsageReport usage)
    {
        var outgoing = context.Response;
        var ct = context.RequestAborted;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        outgoing.Headers.CacheControl = "no-cache";
        var events = new UsageReport.StreamReader(usage);
        var idle = options.Value.StreamIdleTimeoutOf(endpoint);
        var firstWait = TimeSpan.FromTicks(Math.Max(idle.Ticks, (options.Value.FirstByteTimeoutOf(endpoint) - Stopwatch.GetElapsedTime(started)).Ticks));
        TimeSpan? firstToken = null;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            long relayed = 0;
            silence.CancelAfter(firstWait);
            while (true)
            {
                var read = await body.ReadAsync(buffer, silence.Token);
                if (read == 0) break;
                silence.CancelAfter(idle);
                if ((relayed += read) > options.Value.MaxResponseBytes)
                {
                    logger.LogWarning("A streamed answer passed {MaxResponseBytes} bytes; cut off", options.Value.MaxResponseBytes);
                    context.Abort();
                    break;
                }
                firstToken ??= Stopwatch.GetElapsedTime(started);
                var hadUsage = usage.HasUsage;
                events.Feed(buffer.AsSpan(0, read));
                if (!hadUsage && usage.HasUsage) await MeterAsync(meteredTask, usage);
                await outgoing.Body.WriteAsync(buffer.AsMemory(0, read), ct);
                await outgoing.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (silence.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var silent = firstToken is null ? firstWait : idle;
            logger.LogWarning("Endpoint {Endpoint} sent nothing for {Silent} in the middle of a streamed answer; given up", endpoint.Name, silent);
            await outgoing.Body.WriteAsync(new OpenAiError(StatusCodes.Status504GatewayTimeout,
                $"The endpoint '{endpoint.Name}' sent nothing for {silent} in the middle of its answer (Gryphgen:Gateway:StreamIdleTimeout, " +
                "unless the endpoint sets its own); the answer is incomplete.", "server_error", Code: "upstream_idle_timeout").ToStreamEvent(), ct);
            return (usage, firstToken, silent);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (usage, firstToken, null);
    }

    private async Task MeterAsync(string? taskId, UsageReport usage)
    {
        if (taskId is null) return;
        try
        {
            await meter.AddAsync(taskId, usage.TotalTokens);
        }
        catch (RedisException ex)
        {
            // The answer still goes out; the task's count misses these tokens, and the log says so.
            logger.LogWarning(ex, "Could not meter {Tokens} tokens of task {Task}", usage.TotalTokens, taskId);
        }
    }

    private static void Record(Activity? activity, GridEndpoint endpoint, UsageReport usage, TimeSpan? firstToken, TimeSpan duration)
    {
        if (firstToken is { } first)
        {
            activity?.SetTag("gen_ai.server.time_to_first_token", first.TotalSeconds);
            GridMetrics.TimeToFirstToken.Record(first.TotalSeconds, new KeyValuePair<string, object?>("gryphgen.endpoint", endpoint.Name));
        }
        activity?.SetTag("gen_ai.response.model", usage.ResponseModel);
        activity?.SetTag("gen_ai.usage.input_tokens", usage.InputTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
        activity?.SetTag("gryphgen.duration_ms", duration.TotalMilliseconds);
        GridMetrics.Tokens.Add(usage.InputTokens, new("gryphgen.endpoint", endpoint.Name), new("gen_ai.token.type", "input"));
        GridMetrics.Tokens.Add(usage.OutputTokens, new("gryphgen.endpoint", endpoint.Name), new("gen_ai.token.type", "output"));
    }

    private static void Count(GatewayRequest request, string outcome) =>
        GridMetrics.Requests.Add(1, new("gen_ai.operation.name", request.Operation.Name), new("gryphgen.outcome", outcome));
}
