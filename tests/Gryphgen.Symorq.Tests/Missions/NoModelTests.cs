using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>GRYPHGEN never fakes a model: with no LLM endpoint in the grid a task is refused, saying how to add one.</summary>
public sealed class NoModelTests
{
    [Fact]
    public async Task A_task_submitted_to_a_grid_without_endpoints_is_refused_with_the_way_to_add_one()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var symorq = await GridProcesses.StartSymorqAsync(await GridProcesses.Settings(redis));
        using var channel = GridProcesses.OpenChannel(symorq);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new Tasks.TasksClient(channel).SubmitAsync(new SubmitTaskRequest { Spec = WordCount.Spec("no-model") }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("gryphgen endpoints add", refused.Status.Detail); // the way to add one
        Assert.Empty((await new Tasks.TasksClient(channel).ListAsync(new ListTasksRequest())).Tasks);
    }
}
