using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gryphgen.Cli;

/// <summary>
/// Each command runs in its own activity, so one command is one trace across SYMORQ and everything it calls.
/// Spans are exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (for the Aspire dashboard).
/// </summary>
public static class CliTelemetry
{
    public static readonly ActivitySource Source = new("Gryphgen.Cli");

    public static IDisposable Start()
    {
        var builder = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("gryphgen-cli"))
            .AddSource(Source.Name)
            .AddGrpcClientInstrumentation()
            .AddHttpClientInstrumentation();
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
            builder.AddOtlpExporter();
        return builder.Build();
    }
}
