using Grpc.Core;

namespace Gryphgen.Symorg;

/// <summary>A request SYMORG refuses, with the gRPC status that says why; the message tells the caller what to fix.</summary>
public sealed class KnowledgeException(StatusCode status, string message) : Exception(message)
{
    public StatusCode Status { get; } = status;
}
