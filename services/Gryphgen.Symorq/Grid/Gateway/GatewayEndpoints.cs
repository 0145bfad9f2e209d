using Gryphgen.Symorq.Keys;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>
/// The OpenAI-compatible routes on SYMORQ's HTTP port: <c>/v1/chat/completions</c>, <c>/v1/embeddings</c> and
/// <c>/v1/models</c>. Any OpenAI client works against them unchanged; each request is scheduled onto the grid.
/// They are the only routes an agent key reaches (<see cref="KeyScopes.Gateway"/>).
/// </summary>
public static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireAuthorization(KeyScopes.Gateway);
        v1.MapPost("/chat/completions", (HttpContext context) => ForwardAsync(context, GatewayOperation.Chat));
        v1.MapPost("/embeddings", (HttpContext context) => ForwardAsync(context, GatewayOperation.Embeddings));
        v1.MapGet("/models", (EndpointRegistry registry) => Results.Json(ModelList(registry)));
        return app;
    }

    private static async Task ForwardAsync(HttpContext context, GatewayOperation operation)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxRequestBytes + 1; // our own check answers first, in OpenAI's shape
        try
        {
            var request = await GatewayRequest.ReadAsync(context.Request, operation, options.MaxRequestBytes,
                services.GetRequiredService<TimeProvider>().GetUtcNow());
            await services.GetRequiredService<GatewayForwarder>().ForwardAsync(context, request);
        }
        catch (Exception ex) when (ToError(ex) is { } error && !context.Response.HasStarted)
        {
            if (ex is GridQueueFullException full)
                context.Response.Headers.RetryAfter = Math.Ceiling(full.RetryAfter.TotalSeconds).ToString("0");
            await error.WriteAsync(context.Response);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; the upstream request was cancelled with it.
        }
    }

    private static OpenAiError? ToError(Exception exception) => exception switch
    {
        GatewayRejection rejection => rejection.Error,
        ModelNotServedException => new(StatusCodes.Status404NotFound, exception.Message, "invalid_request_error", "model", "model_not_found"),
        ContextTooLongException => OpenAiError.InvalidRequest(exception.Message, "messages", "context_length_exceeded"),
        GridQueueFullException => new(StatusCodes.Status429TooManyRequests, exception.Message, "rate_limit_error", Code: "queue_full"),
        GridUnavailableException => new(StatusCodes.Status503ServiceUnavailable, exception.Message, "server_error", Code: "no_endpoint_available"),
        _ => null,
    };

    /// <summary>Every model id and alias the grid serves, each with the endpoints that serve it.</summary>
    private static object ModelList(EndpointRegistry registry)
    {
        var endpoints = registry.Snapshot();
        var models = endpoints
            .SelectMany(e => e.Options.Models.Concat(e.ModelIds).Select(model => (model, endpoint: e.Name)))
            .GroupBy(p => p.model, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new { id = g.Key, @object = "model", created = 0, owned_by = "gryphgen", endpoints = g.Select(p => p.endpoint).Distinct().ToArray() });
        return new { @object = "list", data = models };
    }
}
