using System.ComponentModel.DataAnnotations;

namespace Gryphgen.Symorq.Missions;

/// <summary>How the mission loop runs tasks (<c>Gryphgen:Workflow:*</c>).</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Gryphgen:Workflow";

    /// <summary>
    /// Tasks this replica works on at once; more wait, highest priority first. 0: a replica that serves the API, the
    /// gateway and its broker but runs no task.
    /// </summary>
    [Range(0, 256, ErrorMessage = "Gryphgen:Workflow:MaxConcurrentTasks must be between {1} and {2}")]
    public int MaxConcurrentTasks { get; set; } = 4;

    /// <summary>How often a replica looks for queued tasks and for tasks a dead replica left behind.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00", ErrorMessage = "Gryphgen:Workflow:PollInterval must be between {1} and {2}")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a replica's claim on a running task lasts without renewal. A replica that dies (SIGKILL, power
    /// loss) leaves its tasks to another, or to itself restarted, once the claim has run out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Gryphgen:Workflow:LeaseDuration must be between {1} and {2}")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A step with no progress (no job progress, no result) for this long is restarted by the health loop.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Gryphgen:Workflow:StepStallTimeout must be between {1} and {2}")]
    public TimeSpan StepStallTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Times one step may start (after stalls or failures) before the task fails with the step's error.</summary>
    [Range(1, 10, ErrorMessage = "Gryphgen:Workflow:MaxStepAttempts must be between {1} and {2}")]
    public int MaxStepAttempts { get; set; } = 3;

    /// <summary>
    /// How long a step waits for SYMAUG or SYMORG to come back (a restart, a deploy) before the failure spends one of
    /// its attempts; the waiting itself spends none.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Gryphgen:Workflow:RecoveryTimeout must be between {1} and {2}")]
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wall-clock limit of one acceptance run in the sandbox.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00", ErrorMessage = "Gryphgen:Workflow:TestTimeLimit must be between {1} and {2}")]
    public TimeSpan TestTimeLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a watch reads its task's events without being woken: the fallback for a notification missed while
    /// the replica's listening connection was down (<see cref="TaskEventListener"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Gryphgen:Workflow:WatchRecheck must be between {1} and {2}")]
    public TimeSpan WatchRecheck { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Live watches (gRPC Watch, HTTP events) of one task at once, on one replica; more are refused (RESOURCE_EXHAUSTED, HTTP 429).</summary>
    [Range(1, 10_000, ErrorMessage = "Gryphgen:Workflow:MaxWatchersPerTask must be between {1} and {2}")]
    public int MaxWatchersPerTask { get; set; } = 32;

    /// <summary>Live watches one API key holds at once, on one replica, whatever the tasks.</summary>
    [Range(1, 100_000, ErrorMessage = "Gryphgen:Workflow:MaxWatchersPerKey must be between {1} and {2}")]
    public int MaxWatchersPerKey { get; set; } = 256;

    /// <summary>Token budget of the retrieved context SYMORG packs for each iteration.</summary>
    [Range(0, 100_000, ErrorMessage = "Gryphgen:Workflow:ContextTokens must be between {1} and {2}")]
    public int ContextTokens { get; set; } = 2000;

    /// <summary>Model alias per role when a task names none (generator, analyzer, monitor, optimizer); absent: the agent's default.</summary>
    public Dictionary<string, string> Models { get; set; } = [];

    /// <summary>
    /// The stronger alias to move a role to when the optimizer escalates, e.g. <c>coder → coder-large</c>; an alias
    /// with no entry cannot be escalated and the task continues as it is.
    /// </summary>
    public Dictionary<string, string> Escalation { get; set; } = [];
}
