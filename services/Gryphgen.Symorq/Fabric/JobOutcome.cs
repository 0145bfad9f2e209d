namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// How a role job ended: the role's reply as JSON, or the reason there is none; <see cref="Unavailable"/> when the
/// reason is a missing service (no model endpoint, no worker), which a wait may cure.
/// </summary>
public sealed record JobOutcome(bool Ok, string ReplyJson, string Error, int InputTokens, int OutputTokens, int Attempts, string WorkerId,
    bool Unavailable = false)
{
    public static JobOutcome Failed(string error, int attempts, bool unavailable = false) => new(false, "", error, 0, 0, attempts, "", unavailable);
}

/// <summary>No job of the role can be queued now (the queue is full).</summary>
public sealed class JobRejectedException(string message) : Exception(message);
