using Grpc.Core;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// Waits out a service that is down for a while (SYMAUG or SYMORG restarting, a deploy, a crash): a step's call that
/// finds it unavailable is tried again with exponential back-off and jitter, for up to
/// <see cref="WorkflowOptions.RecoveryTimeout"/> from the first such failure, without spending one of the step's
/// attempts. Only once that has passed does the failure count against the step, as a failure of its own does at once.
/// </summary>
public sealed class RecoveryWait(WorkflowOptions options, TimeProvider time)
{
    // From a fraction of a second (a blip) to a pace that does not flood a service coming back up.
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(15);

    /// <summary>
    /// UNAVAILABLE: not reached, refused, or gone mid-call; DEADLINE_EXCEEDED: reached but silent past the call's
    /// deadline (a stopped or wedged peer). Every other status is the call's own answer. Redis not reached, or silent
    /// past its timeout, is the same kind of outage (the gateway's token count lives there), as is a role job that found no
    /// model endpoint or no worker.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded }
            or RedisConnectionException or RedisTimeoutException or ModelsUnavailableException;

    /// <summary>What was unavailable, in a line.</summary>
    public static string Describe(Exception exception) => exception is RpcException rpc ? rpc.Status.Detail : exception.Message;

    /// <summary>A pipeline for one run of one step; <paramref name="waiting"/> hears of each wait before it starts.</summary>
    public ResiliencePipeline ForStep(Func<Exception, TimeSpan, Task> waiting)
    {
        long? firstFailure = null;
        bool WithinLimit()
        {
            firstFailure ??= time.GetTimestamp();
            return time.GetElapsedTime(firstFailure.Value) < options.RecoveryTimeout;
        }
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex) && WithinLimit()),
                BackoffType = DelayBackoffType.Exponential, UseJitter = true, Delay = FirstDelay, MaxDelay = MaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = async args => await waiting(args.Outcome.Exception!, args.RetryDelay),
            })
            .Build();
    }
}
