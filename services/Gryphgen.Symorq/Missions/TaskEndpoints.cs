using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Missions;
using Gryphgen.Symorq.Http;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// The task API as JSON over HTTP on SYMORQ's public port, for browsers and scripts:
/// <c>POST /api/tasks</c> (the body is the spec, YAML or JSON), <c>GET /api/tasks[?state=&amp;limit=]</c>,
/// <c>GET /api/tasks/{id}</c>, <c>POST /api/tasks/{id}/cancel</c>, <c>GET /api/tasks/{id}/events</c> (server-sent
/// events) and <c>GET /api/tasks/{id}/artifacts</c> (tar.gz). Errors are <c>{"error": {"message", "code"}}</c>.
/// </summary>
public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapTaskApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").AddEndpointFilter(MapErrors);
        tasks.MapPost("", SubmitAsync);
        tasks.MapGet("", async (MissionControl control, string? state, int? limit, CancellationToken ct) =>
        {
            var filter = TaskState.Unspecified;
            if (state is not null && !TaskStateNames.TryParse(state, out filter))
                throw new TaskApiException(TaskApiError.Invalid, $"state must be one of {string.Join(", ", TaskStateNames.All)} (got '{state}')");
            var list = await control.ListAsync(filter, limit ?? 0, ct);
            return Results.Json(new JsonObject { ["tasks"] = new JsonArray(list.Select(t => (JsonNode)TaskJson.Task(t)).ToArray()) });
        });
        tasks.MapGet("/{id}", async (MissionControl control, string id, CancellationToken ct) =>
            Results.Json(TaskJson.Detail(await control.GetAsync(id, ct))));
        tasks.MapPost("/{id}/cancel", async (MissionControl control, string id, CancellationToken ct) =>
            Results.Json(TaskJson.Task(await control.CancelAsync(id, ct))));
        tasks.MapGet("/{id}/events", async (HttpContext context, MissionControl control, string id, long? after, CancellationToken ct) =>
        {
            // Admitted before the stream starts, so that a refusal is still an error response; held until the request ends.
            context.Response.RegisterForDispose(await control.AdmitWatchAsync(id, ct));
            return TypedResults.ServerSentEvents(Events(control, id, after ?? 0, ct));
        });
        tasks.MapGet("/{id}/artifacts", ArtifactsAsync);
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, MissionControl control, CancellationToken ct)
    {
        var spec = await ReadSpecAsync(context.Request);
        var task = await control.SubmitAsync(spec, ct);
        return Results.Created($"/api/tasks/{task.TaskId}", TaskJson.Task(task));
    }

    /// <summary>The body as text, refused once it passes the largest spec accepted (before reading it all).</summary>
    private static async Task<string> ReadSpecAsync(HttpRequest request)
    {
        var bytes = await BoundedBody.ReadAsync(request, Encoding.UTF8.GetMaxByteCount(TaskSpecParser.MaxSpecChars),
            () => new TaskSpecException([$"the specification is larger than {TaskSpecParser.MaxSpecChars / (1024 * 1024)} MiB"]));
        return Encoding.UTF8.GetString(bytes);
    }

    private static async IAsyncEnumerable<SseItem<string>> Events(MissionControl control, string id, long after,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in control.WatchAsync(id, after, ct))
            yield return new SseItem<string>(TaskJson.Event(e).ToJsonString(), e.Kind) { EventId = e.Sequence.ToString() };
    }

    private static async Task ArtifactsAsync(HttpContext context, MissionControl control, string id, CancellationToken ct)
    {
        // Ask for the first chunk before the headers go out, so that a refusal is still an error response.
        await using var chunks = control.ArtifactsAsync(id, ct).GetAsyncEnumerator(ct);
        var any = await chunks.MoveNextAsync();
        context.Response.ContentType = "application/gzip";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}.tar.gz\"";
        while (any)
        {
            await context.Response.Body.WriteAsync(chunks.Current.Memory, ct);
            any = await chunks.MoveNextAsync();
        }
    }

    private static async ValueTask<object?> MapErrors(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        try
        {
            return await next(invocation);
        }
        catch (TaskSpecException ex)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_spec", ex.Message);
        }
        catch (TaskApiException ex)
        {
            return ex.Error switch
            {
                TaskApiError.NotFound => Error(StatusCodes.Status404NotFound, "not_found", ex.Message),
                TaskApiError.Invalid => Error(StatusCodes.Status400BadRequest, "invalid_request", ex.Message),
                TaskApiError.NotReady => Error(StatusCodes.Status409Conflict, "not_ready", ex.Message),
                TaskApiError.Gone => Error(StatusCodes.Status410Gone, "gone", ex.Message),
                TaskApiError.TooMany => Error(StatusCodes.Status429TooManyRequests, "too_many_watchers", ex.Message),
                _ => Error(StatusCodes.Status503ServiceUnavailable, "unavailable", ex.Message),
            };
        }
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["code"] = code } }, statusCode: status);
}
