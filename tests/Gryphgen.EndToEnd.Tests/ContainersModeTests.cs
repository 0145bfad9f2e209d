using System.Text.Json;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// Containers mode on podman, with the images built here: the system comes up healthy with its infrastructure in
/// containers, a task runs through it to success, and PostgreSQL's data outlives its container.
/// </summary>
[Collection(RunningContainers.Name)]
public sealed class ContainersModeTests(ContainersAppFixture system)
{
    [Fact]
    public async Task Every_component_is_healthy_with_the_infrastructure_in_podman_containers_from_the_local_images()
    {
        var cli = await GryphgenCli.RunAsync(["status", "--json"], system.CliEnvironment);

        Assert.True(cli.ExitCode == 0, cli.StandardOutput + cli.StandardError);
        using var status = JsonDocument.Parse(cli.StandardOutput);
        var components = status.RootElement.GetProperty("components").EnumerateArray().ToList();
        Assert.All(components, c => Assert.True(c.GetProperty("healthy").GetBoolean(), c.ToString()));
        var second = $"llm/{ContainersAppFixture.SecondServer}";
        foreach (var name in new[] { "symorq", "symorg", "symaug", "postgres", "redis", "sandbox", "llm-grid", "llm/local", second, "llm/scripted" })
            Assert.Contains(components, c => c.GetProperty("name").GetString() == name);
        string Fact(string component, string fact) =>
            components.Single(c => c.GetProperty("name").GetString() == component).GetProperty("facts").GetProperty(fact).GetString()!;
        Assert.StartsWith("containers on podman ", Fact("symorq", "infrastructure"));
        // Each llama-server is its own endpoint with its own slots (the context is shared by them).
        Assert.Equal((GryphgenAppFixture.LlamaSlots.ToString(), "llamacpp"), (Fact("llm/local", "slots"), Fact("llm/local", "kind")));
        Assert.Equal((ContainersAppFixture.SecondServerSlots.ToString(), "llamacpp"), (Fact(second, "slots"), Fact(second, "kind")));
        Assert.Equal(GryphgenAppFixture.ContextPerSlot.ToString(), Fact(second, "n_ctx"));

        foreach (var image in ContainersAppFixture.Images[..2]) await Podman.ContainerOfAsync(image);
        // Two llama containers, each with the model file's folder read-only: llama-server cannot write to it.
        var llamas = await Podman.ContainersOfAsync(ContainersAppFixture.Images[2]);
        Assert.Equal(2, llamas.Length);
        foreach (var llama in llamas)
        {
            using var mounts = JsonDocument.Parse(await Podman.RunAsync("inspect", "--format", "{{json .Mounts}}", llama));
            var models = Assert.Single(mounts.RootElement.EnumerateArray(), m => m.GetProperty("Destination").GetString() == "/models");
            Assert.Equal(Path.GetDirectoryName(TestAssets.TinyModel), models.GetProperty("Source").GetString());
            Assert.False(models.GetProperty("RW").GetBoolean());
        }
    }

    [Fact]
    public async Task A_task_runs_through_the_system_to_success_and_its_record_outlives_the_database_container()
    {
        var marker = RoleScripts.NewMarker("containers");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        system.Scripts.Script(marker, "analyzer", RoleAnswers.Analyze("pass", "nothing to fix"));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        system.Scripts.Script(marker, "optimizer", RoleAnswers.Optimize("continue", "on track"));
        using var channel = ApiKeyChannel.Open(system.GrpcUrl, system.ApiKey);
        var tasks = new Tasks.TasksClient(channel);

        var task = await tasks.SubmitAsync(new SubmitTaskRequest { Spec = WordCount.Spec(marker) });
        var done = await WaitForEndAsync(tasks, task.TaskId);

        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        Assert.Equal(2, done.Task.Tests.Passed);

        // The container is removed and a new one started on the same volume: the task is still there.
        var before = await Podman.ContainerOfAsync(ContainersAppFixture.Images[0]);
        await system.App.ResourceCommands.ExecuteCommandAsync("postgres", KnownResourceCommands.StopCommand);
        await Eventually.Get(async () => await Podman.RunAsync("ps", "--quiet", "--filter", $"id={before}"), running => running.Trim().Length == 0,
            TimeSpan.FromMinutes(1), "the database container stopping");
        await Podman.RunAsync("rm", "--force", "--ignore", before);
        await system.App.ResourceCommands.ExecuteCommandAsync("postgres", KnownResourceCommands.StartCommand);
        using (var healthy = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            await system.App.ResourceNotifications.WaitForResourceHealthyAsync("postgres", healthy.Token);

        Assert.NotEqual(before, await Podman.ContainerOfAsync(ContainersAppFixture.Images[0]));
        var again = await Eventually.Get(() => TryGetAsync(tasks, task.TaskId), d => d is not null,
            TimeSpan.FromMinutes(1), "SYMORQ reading the task back from the new container");
        Assert.Equal(TaskState.Succeeded, again!.Task.State);
        Assert.Equal(done.Steps.Count, again.Steps.Count);
        Assert.Contains(system.DataVolume, await Podman.RunAsync("volume", "ls", "--format", "{{.Name}}"));
    }

    /// <summary>The task, or null while SYMORQ cannot read it (its database connections meeting the new container).</summary>
    private static async Task<TaskDetail?> TryGetAsync(Tasks.TasksClient tasks, string taskId)
    {
        try
        {
            return await tasks.GetAsync(new TaskRef { TaskId = taskId });
        }
        catch (RpcException)
        {
            return null;
        }
    }

    private static Task<TaskDetail> WaitForEndAsync(Tasks.TasksClient tasks, string taskId) =>
        Eventually.Get(async () => await tasks.GetAsync(new TaskRef { TaskId = taskId }),
            d => d.Task.State is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled, TimeSpan.FromMinutes(5), "the task ending");
}
