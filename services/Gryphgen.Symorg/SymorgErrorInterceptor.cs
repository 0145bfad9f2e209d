using Gryphgen.ServiceDefaults.Errors;

namespace Gryphgen.Symorg;

/// <summary>SYMORG's refusals as gRPC statuses, for every service and call shape it serves.</summary>
public sealed class SymorgErrorInterceptor : StatusMappingInterceptor
{
    protected override Grpc.Core.Status? ToStatus(Exception ex) => ex is KnowledgeException refusal ? new Grpc.Core.Status(refusal.Status, refusal.Message) : null;
}
