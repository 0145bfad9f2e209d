using System.Diagnostics.Metrics;

namespace Gryphgen.Symorq.Grid;

/// <summary>The grid's instruments: queue wait, time to first token, tokens and fail-overs (queue depth and utilisation are observed by the scheduler).</summary>
public static class GridMetrics
{
    public static readonly Histogram<double> QueueWait = GryphgenTelemetry.Meter.CreateHistogram<double>(
        "gryphgen.grid.queue.wait", "s", "Time a request waited for a slot, by priority");

    /// <summary>As the GenAI conventions name it: the first streamed chunk, or the endpoint's own prompt time for a whole answer.</summary>
    public static readonly Histogram<double> TimeToFirstToken = GryphgenTelemetry.Meter.CreateHistogram<double>(
        "gen_ai.server.time_to_first_token", "s", "Time to the first token, by endpoint");

    public static readonly Counter<long> Tokens = GryphgenTelemetry.Meter.CreateCounter<long>(
        "gryphgen.grid.tokens", "{token}", "Tokens through the gateway, by endpoint and type (input, output)");

    public static readonly Counter<long> Failovers = GryphgenTelemetry.Meter.CreateCounter<long>(
        "gryphgen.grid.failovers", "{request}", "Requests moved to another endpoint after a failure before the first byte");

    public static readonly Counter<long> Requests = GryphgenTelemetry.Meter.CreateCounter<long>(
        "gryphgen.grid.requests", "{request}", "Gateway requests, by operation and outcome");
}
