using System.Diagnostics;
using Gryphgen.Contracts.Fabric;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Gryphgen.Fabric;

/// <summary>
/// Carries W3C trace context across the ZeroMQ fabric in <see cref="FabricMessage.TraceContext"/>, so that one
/// operation is one trace on both sides of the broker.
/// </summary>
public static class FabricTrace
{
    // Explicit rather than Propagators.DefaultTextMapPropagator, which stays a no-op in a process whose
    // OpenTelemetry SDK is not started (a CLI, a benchmark).
    private static readonly TextMapPropagator Propagator =
        new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]);

    public static FabricMessage WithTraceContext(this FabricMessage message, ActivityContext context)
    {
        if (context != default)
        {
            Propagator.Inject(new PropagationContext(context, Baggage.Current), message.TraceContext,
                static (carrier, key, value) => carrier[key] = value);
        }
        return message;
    }

    public static ActivityContext ExtractTraceContext(this FabricMessage message) =>
        Propagator.Extract(default, message.TraceContext,
            static (carrier, key) => carrier.TryGetValue(key, out var value) ? [value] : []).ActivityContext;
}
