using Grpc.Core;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug;

/// <summary>SYMAUG's answer to SYMORQ's status question: itself, and its sandbox with the toolchains found.</summary>
public sealed class ComponentInfoService(HostCapabilities capabilities) : ComponentInfo.ComponentInfoBase
{
    public override async Task<DescribeReply> Describe(DescribeRequest request, ServerCallContext context)
    {
        var traceId = GryphgenTelemetry.CurrentTraceId;
        var report = await capabilities.GetAsync().WaitAsync(context.CancellationToken);
        var found = report.Toolchains.Where(t => t.Found).ToList();
        var missing = report.Toolchains.Where(t => !t.Found).Select(t => t.Name).ToList();

        var sandbox = new ComponentStatus
        {
            Name = "sandbox", Kind = "sandbox", Required = true, TraceId = traceId,
            Healthy = report.Sandbox.Available, Detail = report.Sandbox.Detail,
        };
        foreach (var toolchain in found) sandbox.Facts[toolchain.Name] = toolchain.Version;

        return new DescribeReply
        {
            Components =
            {
                new ComponentStatus
                {
                    Name = "symaug", Kind = "service", Required = true, TraceId = traceId, Healthy = true,
                    Detail = $"target server; toolchains: {string.Join(", ", found.Select(t => t.Name))}"
                             + (missing.Count > 0 ? $"; not found: {string.Join(", ", missing)}" : ""),
                    Facts = { ["toolchains"] = string.Join(",", found.Select(t => t.Name)) },
                },
                sandbox,
            },
        };
    }
}
