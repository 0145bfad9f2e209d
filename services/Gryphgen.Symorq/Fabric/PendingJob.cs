using System.Diagnostics;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Symorq.Fabric;

/// <summary>A job from its submission to its result; touched only on the broker's poller thread.</summary>
public sealed class PendingJob(AgentRole role, RoleJob work, IProgress<string>? progress, ActivityContext trace, DateTimeOffset deadline)
{
    public string Id { get; } = Guid.NewGuid().ToString("N");

    public AgentRole Role { get; } = role;

    public RoleJob Work { get; } = work;

    public IProgress<string>? Progress { get; } = progress;

    public ActivityContext Trace { get; } = trace;

    /// <summary>When a job still waiting for a worker gives up.</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    public int Attempts { get; set; }

    /// <summary>The worker running it, or null while it waits.</summary>
    public ConnectedWorker? Worker { get; set; }

    public TaskCompletionSource<JobOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
