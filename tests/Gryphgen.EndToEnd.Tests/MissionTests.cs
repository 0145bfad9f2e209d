using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// A task through the whole system as the AppHost wires it: SYMORQ reaching SYMAUG and SYMORG by service discovery,
/// the four agents calling the real llama-server through the gateway. The tiny random model writes nonsense, so the
/// task cannot pass; what is proven is the wiring, and that nonsense ends the task with a reason.
/// </summary>
[Collection(RunningSystem.Name)]
public sealed class MissionTests(GryphgenAppFixture app)
{
    private const string Spec = """
        title: end to end
        description: Write hello.sh that prints hello.
        language: bash
        acceptance: { command: "false" }
        budget: { iterations: 1, tokens: 1000000, minutes: 10 }
        """;

    [Fact]
    public async Task A_task_runs_on_the_real_model_through_every_service_to_an_end_with_its_reason()
    {
        using var channel = ApiKeyChannel.Open(app.GrpcUrl, app.ApiKey);
        var tasks = new Tasks.TasksClient(channel);

        // Tokens predicted count chat completions only (SYMORG's embeddings predict none): the agents' calls.
        var llama = app.App.GetEndpoint("llama", "http");
        var predicted = await LlamaMetrics.ReadAsync(llama, "tokens_predicted_total");

        var task = await tasks.SubmitAsync(new SubmitTaskRequest { Spec = Spec });
        var done = await Eventually.Get(async () => await tasks.GetAsync(new TaskRef { TaskId = task.TaskId }),
            d => d.Task.State is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled, TimeSpan.FromMinutes(5), "the task ending");

        Assert.Equal(TaskState.Failed, done.Task.State);
        // The tiny model's replies are random but valid: the iteration runs out, a step fails, or the optimizer stops it.
        Assert.True(done.Task.Reason.StartsWith("budget exhausted: all 1 iterations used") || done.Task.Reason.Contains("could not complete")
            || done.Task.Reason.StartsWith("aborted by the optimizer: "), done.ToString());
        Assert.Contains(done.Steps, s => s.Kind == "prepare" && s.State == "completed");
        Assert.Contains(done.Steps, s => s.Kind == "context" && s.State == "completed");
        Assert.Contains(done.Steps, s => s.Kind == "generate");
        Assert.NotEmpty(done.Task.WorkspaceId);
        // Whatever the reason says, an agent reached the real model: a task whose agents never got through ends too.
        Assert.True(await LlamaMetrics.ReadAsync(llama, "tokens_predicted_total") > predicted, $"no agent reached the model: {done}");
    }
}
