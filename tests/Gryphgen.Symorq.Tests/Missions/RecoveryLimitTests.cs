using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>The mission system with a short <c>Gryphgen:Workflow:RecoveryTimeout</c>, for outages that outlast it.</summary>
public sealed class ShortRecoveryMission : MissionSystem
{
    public static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(2);

    protected override void Configure(string service, Dictionary<string, string> settings)
    {
        if (service == "Gryphgen.Symorq") settings["Gryphgen__Workflow__RecoveryTimeout"] = RecoveryTimeout.ToString();
    }
}

/// <summary>
/// An outage is waited out only for <c>RecoveryTimeout</c>: past it, each attempt of the step is spent, and the task
/// fails saying what was unavailable, whatever the kind of outage (a service's gRPC refusal, or no model to answer).
/// </summary>
public sealed class RecoveryLimitTests(ShortRecoveryMission system) : IClassFixture<ShortRecoveryMission>
{
    [Theory]
    [InlineData("models", "could not reach its models")]
    [InlineData("symaug", "Unavailable")]
    public async Task An_outage_past_the_recovery_timeout_fails_the_task_with_the_reason(string outage, string reason)
    {
        Func<Task> down = outage == "models" ? () => system.StopLlmAsync().AsTask() : () => { system.KillSymaug(); return Task.CompletedTask; };
        Func<Task> up = outage == "models" ? system.StartLlmAgainAsync : system.StartSymaugAgainAsync;
        await down();
        try
        {
            var task = await system.SubmitAsync(WordCount.Spec(RoleScripts.NewMarker($"no-{outage}")));

            var ended = await system.WaitForEndAsync(task.TaskId, TimeSpan.FromMinutes(3));

            Assert.Equal(TaskState.Failed, ended.Task.State);
            Assert.Contains("could not complete in 3 attempts", ended.Task.Reason);
            Assert.Contains(reason, ended.Task.Reason);
        }
        finally
        {
            await up();
        }
    }
}
