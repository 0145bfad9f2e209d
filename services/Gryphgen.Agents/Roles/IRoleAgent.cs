using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Agents.Roles;

/// <summary>What a role agent hands back for a job: the reply as JSON valid for its role's schema, and tokens used.</summary>
public sealed record RoleReply(string Json, int InputTokens, int OutputTokens);

/// <summary>A job that cannot be done, with a reason the workflow and the user can read.</summary>
public sealed class RoleJobFailedException(string reason, bool unavailable = false) : Exception(reason)
{
    /// <summary>The models could not be reached (no endpoint, no gateway): a wait may cure it (<c>JobResult.unavailable</c>).</summary>
    public bool Unavailable { get; } = unavailable;
}

/// <summary>
/// One of the four roles. The fabric worker calls it for each job of its role; progress notes go to
/// <c>progress</c>, and cancelling <c>cancellationToken</c> stops the job.
/// </summary>
public interface IRoleAgent
{
    AgentRole Role { get; }

    Task<RoleReply> RunAsync(RoleJob job, IProgress<string> progress, CancellationToken cancellationToken);
}
