using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>
/// Finished tasks give back their disk as <c>Gryphgen:Retention:*</c> says: the workspace archived and the events'
/// snapshots dropped after <c>WorkspacesFor</c>, the archive deleted after <c>ArtifactsFor</c>; the task itself stays,
/// and a task still running keeps everything however old it is.
/// </summary>
[Collection(Missions.Name)]
public sealed class RetentionMissionTests(MissionSystem system)
{
    private static readonly TimeSpan SweepPatience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_finished_task_keeps_its_artifacts_as_an_archive_then_loses_them_and_a_running_one_keeps_everything()
    {
        var marker = RoleScripts.NewMarker("retained");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        var done = await system.WaitForEndAsync((await system.SubmitAsync(WordCount.Spec(marker))).TaskId);
        var id = done.Task.TaskId;
        Assert.True(done.Task.State == TaskState.Succeeded, done.ToString());
        var artifacts = await system.ArtifactsAsync(id);
        // Held only from here, through the sweeps: a held step counts as stalled every StallTimeout (30 s here) and is
        // started again, so a hold through the other task's whole run as well could spend its attempts on a slow machine.
        var running = await RunningTaskAsync();

        await AgeAsync(id, MissionSystem.WorkspacesFor + TimeSpan.FromMinutes(5));
        await Eventually.Get(() => system.SqlAsync<bool>("SELECT archived_at IS NOT NULL FROM symorq.tasks WHERE id = @id", id), archived => archived,
            SweepPatience, "the workspace archived");

        Assert.Equal([Path.Combine(system.FolderOf(done.Task), "artifacts.tar.gz")], Directory.EnumerateFileSystemEntries(system.FolderOf(done.Task)));
        Assert.Equal(artifacts.ToDictionary(), (await system.ArtifactsAsync(id)).ToDictionary());
        Assert.Equal(0L, await system.SqlAsync<long>("SELECT count(*) FROM symorq.task_events WHERE task_id = @id AND snapshot IS NOT NULL", id));
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            system.Workspaces.ListFilesAsync(new WorkspaceRef { WorkspaceId = done.Task.WorkspaceId }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);

        await AgeAsync(id, MissionSystem.ArtifactsFor);
        await Eventually.Get(() => system.SqlAsync<bool>("SELECT artifacts_deleted_at IS NOT NULL FROM symorq.tasks WHERE id = @id", id), deleted => deleted,
            SweepPatience, "the artifacts deleted");

        Assert.False(Directory.Exists(system.FolderOf(done.Task)));
        var gone = await Assert.ThrowsAsync<RpcException>(() => system.ArtifactsAsync(id));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Contains("Gryphgen:Retention:ArtifactsFor", gone.Status.Detail);
        using var http = new HttpClient { BaseAddress = system.Symorq.HttpUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MissionSystem.ApiKey);
        using var overHttp = await http.GetAsync($"api/tasks/{id}/artifacts");
        Assert.Equal(HttpStatusCode.Gone, overHttp.StatusCode);
        Assert.Equal("gone", (string?)JsonNode.Parse(await overHttp.Content.ReadAsStringAsync())!["error"]!["code"]);
        // The task is still there to read, its history without the snapshots.
        var after = await system.GetAsync(id);
        Assert.Equal(TaskState.Succeeded, after.Task.State);
        Assert.Equal(done.Steps.Count, after.Steps.Count);

        // Sweeps have passed over the running task, older than either limit, and left it whole.
        Assert.True(await system.SqlAsync<bool>("SELECT archived_at IS NULL AND artifacts_deleted_at IS NULL FROM symorq.tasks WHERE id = @id", running.Task.TaskId));
        Assert.True(Directory.Exists(system.FilesOf(running.Task)));
        system.Scripts.Release(running.Marker, "generator");
        Assert.Equal(TaskState.Succeeded, (await system.WaitForEndAsync(running.Task.TaskId)).Task.State);
    }

    /// <summary>A task held in its generate step, made to look older than both limits.</summary>
    private async Task<(TaskInfo Task, string Marker)> RunningTaskAsync()
    {
        var marker = RoleScripts.NewMarker("running");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        system.Scripts.Hold(marker, "generator");
        var id = (await system.SubmitAsync(WordCount.Spec(marker))).TaskId;
        await Eventually.Get(() => Task.FromResult(system.Scripts.Calls(marker, "generator")), calls => calls > 0,
            MissionSystem.StallTimeout * 4, "the generator asked");
        var age = MissionSystem.ArtifactsFor * 2;
        await system.SqlAsync<string>("UPDATE symorq.tasks SET created_at = created_at - @age, started_at = started_at - @age WHERE id = @id RETURNING id", id, ("age", age));
        return ((await system.GetAsync(id)).Task, marker);
    }

    /// <summary>Moves the task's end <paramref name="age"/> into the past, as that much time passing would.</summary>
    private Task AgeAsync(string taskId, TimeSpan age) =>
        system.SqlAsync<string>("UPDATE symorq.tasks SET finished_at = finished_at - @age WHERE id = @id RETURNING id", taskId, ("age", age));
}
