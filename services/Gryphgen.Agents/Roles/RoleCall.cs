using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// The job a model call is made for, as the gateway sees it in headers. It flows with the async call
/// (an <see cref="AsyncLocal{T}"/>) from the agent down to <see cref="GryphgenHeadersHandler"/>, because the
/// OpenAI client behind <c>IChatClient</c> has no per-request headers of its own.
/// </summary>
public sealed record RoleCall(AgentRole Role, string TaskId, int Priority)
{
    private static readonly AsyncLocal<RoleCall?> Ambient = new();

    public static RoleCall? Current => Ambient.Value;

    /// <summary>Makes this the current call until the returned scope is disposed.</summary>
    public IDisposable Begin()
    {
        var previous = Ambient.Value;
        Ambient.Value = this;
        return new Scope(previous);
    }

    private sealed class Scope(RoleCall? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
