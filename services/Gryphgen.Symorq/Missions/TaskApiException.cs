namespace Gryphgen.Symorq.Missions;

/// <summary>A task API request that cannot be served, and which kind of "no" it is (mapped to gRPC and HTTP statuses).</summary>
public sealed class TaskApiException(TaskApiError error, string message) : Exception(message)
{
    public TaskApiError Error { get; } = error;

    public static TaskApiException NotFound(string taskId) => new(TaskApiError.NotFound, $"no task '{taskId}'");
}

public enum TaskApiError
{
    /// <summary>No such task.</summary>
    NotFound,

    /// <summary>The request is malformed (an unknown state, a limit out of range).</summary>
    Invalid,

    /// <summary>The task exists but what was asked is not there yet (artifacts of a task with no workspace).</summary>
    NotReady,

    /// <summary>The system cannot take tasks now (no LLM endpoint is configured).</summary>
    Unavailable,

    /// <summary>What was asked existed and was deleted as configured (artifacts past <c>Gryphgen:Retention:ArtifactsFor</c>).</summary>
    Gone,

    /// <summary>A cap on what one caller or one task may hold at once (live watches) is reached.</summary>
    TooMany,
}
