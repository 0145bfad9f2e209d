using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>The task API's edges, over gRPC and over HTTP: bad specs, unknown ids, the API key, JSON and events.</summary>
[Collection(Missions.Name)]
public sealed class TaskApiTests(MissionSystem system)
{
    public static TheoryData<string, string> BadSpecs => new()
    {
        { WordCount.Spec("bad").Replace("  command: python3 -m pytest -q\n", ""), "acceptance.command: required" },
        { WordCount.Spec("bad").Replace("language: python", "language: cobol"), "language: 'cobol' is not supported" },
        { WordCount.Spec("bad").Replace("iterations: 6", "iterations: 0"), "budget.iterations: must be between 1 and 1000 (got 0)" },
        { WordCount.Spec("bad").Replace("    test_wc.py: |", "    ../test_wc.py: |"), "path \"../test_wc.py\" rejected: '..' would leave the workspace" },
        { WordCount.Spec("bad").Replace("generator: coder", "generator: no-such-alias"), "models.generator: no endpoint of the grid serves 'no-such-alias'" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public async Task A_bad_spec_is_refused_at_submit_with_the_reason_and_nothing_is_queued(string spec, string reason)
    {
        var before = (await system.Tasks.ListAsync(new ListTasksRequest { Limit = 500 })).Tasks.Count;

        var refused = await Assert.ThrowsAsync<RpcException>(() => system.SubmitAsync(spec));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(reason, refused.Status.Detail);
        Assert.Equal(before, (await system.Tasks.ListAsync(new ListTasksRequest { Limit = 500 })).Tasks.Count);
    }

    [Fact]
    public async Task An_unknown_task_is_not_found_everywhere()
    {
        var unknown = new TaskRef { TaskId = "t-000000000000" };
        foreach (var call in new Func<Task>[]
        {
            () => system.Tasks.GetAsync(unknown).ResponseAsync,
            () => system.Tasks.CancelAsync(unknown).ResponseAsync,
            () => system.Tasks.Watch(new WatchTaskRequest { TaskId = unknown.TaskId }).ResponseStream.MoveNext(CancellationToken.None),
            () => system.Tasks.Artifacts(unknown).ResponseStream.MoveNext(CancellationToken.None),
        })
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Equal("no task 't-000000000000'", error.Status.Detail);
        }
    }

    [Fact]
    public async Task The_API_key_is_required_over_gRPC_and_HTTP()
    {
        using var channel = GrpcChannel.ForAddress(system.Symorq.GrpcUrl);
        var error = await Assert.ThrowsAsync<RpcException>(() => new Tasks.TasksClient(channel).ListAsync(new ListTasksRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

        using var http = new HttpClient { BaseAddress = system.Symorq.HttpUrl };
        using var response = await http.GetAsync("api/tasks");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Over_HTTP_a_YAML_spec_is_submitted_followed_as_server_sent_events_and_read_as_JSON()
    {
        var marker = RoleScripts.NewMarker("http");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        using var http = new HttpClient { BaseAddress = system.Symorq.HttpUrl, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MissionSystem.ApiKey);

        using var submitted = await http.PostAsync("api/tasks", new StringContent(WordCount.Spec(marker), Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var id = (string)JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!["id"]!;
        Assert.Equal($"/api/tasks/{id}", submitted.Headers.Location!.ToString());

        // The event stream ends when the task does; its last event is the end.
        var events = await http.GetStringAsync($"api/tasks/{id}/events");
        var kinds = events.Split('\n').Where(l => l.StartsWith("event: ")).Select(l => l["event: ".Length..]).ToList();
        Assert.Equal("submitted", kinds[0]);
        Assert.Equal("ended", kinds[^1]);

        var task = JsonNode.Parse(await http.GetStringAsync($"api/tasks/{id}"))!;
        Assert.Equal("succeeded", (string?)task["state"]);
        Assert.Equal(1, (int)task["iterations"]!);
        Assert.Contains(task["steps"]!.AsArray(), s => (string?)s!["kind"] == "test" && ((string?)s["summary"])!.StartsWith("passed: 2 passed"));

        using var artifacts = await http.GetAsync($"api/tasks/{id}/artifacts");
        Assert.Equal("application/gzip", artifacts.Content.Headers.ContentType!.MediaType);

        using var bad = await http.PostAsync("api/tasks", new StringContent("title: [unclosed", Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_spec", (string?)JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]!["code"]);
        using var missing = await http.GetAsync("api/tasks/t-000000000000");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Watches_are_capped_per_task_and_per_key_and_a_closed_one_frees_its_place()
    {
        var marker = RoleScripts.NewMarker("watchers");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        // The generator held: the tasks stay running, and their watches open.
        system.Scripts.Hold(marker, "generator");
        var open = new List<AsyncServerStreamingCall<TaskEvent>>();
        try
        {
            var tasks = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => system.SubmitAsync(WordCount.Spec(marker))));
            var (first, second, third) = (tasks[0].TaskId, tasks[1].TaskId, tasks[2].TaskId);
            for (var i = 0; i < MissionSystem.MaxWatchersPerTask; i++) open.Add(await WatchAsync(first));

            var perTask = await Assert.ThrowsAsync<RpcException>(() => WatchAsync(first));
            using var http = new HttpClient { BaseAddress = system.Symorq.HttpUrl };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MissionSystem.ApiKey);
            using var overHttp = await http.GetAsync($"api/tasks/{first}/events", HttpCompletionOption.ResponseHeadersRead);

            Assert.Equal(StatusCode.ResourceExhausted, perTask.StatusCode);
            Assert.Contains("Gryphgen:Workflow:MaxWatchersPerTask", perTask.Status.Detail);
            Assert.Equal(HttpStatusCode.TooManyRequests, overHttp.StatusCode);
            Assert.Equal("too_many_watchers", (string?)JsonNode.Parse(await overHttp.Content.ReadAsStringAsync())!["error"]!["code"]);

            // Another task may still be watched, until the key holds all it may.
            while (open.Count < MissionSystem.MaxWatchersPerKey) open.Add(await WatchAsync(open.Count < 2 * MissionSystem.MaxWatchersPerTask ? second : third));
            var perKey = await Assert.ThrowsAsync<RpcException>(() => WatchAsync(third));
            Assert.Equal(StatusCode.ResourceExhausted, perKey.StatusCode);
            Assert.Contains("Gryphgen:Workflow:MaxWatchersPerKey", perKey.Status.Detail);

            // A watch that is closed gives its place back (once SYMORQ has seen the stream go).
            open[0].Dispose();
            open.RemoveAt(0);
            open.Add((await Eventually.Get(() => TryWatchAsync(first), call => call is not null, TimeSpan.FromSeconds(30), "a freed watch place"))!);
        }
        finally
        {
            system.Scripts.Release(marker, "generator");
            open.ForEach(call => call.Dispose());
        }
    }

    [Fact]
    public async Task A_watch_on_a_replica_that_runs_no_task_follows_a_task_another_runs_to_its_end()
    {
        await using var apiOnly = await system.StartReplicaAsync(runsTasks: false);
        using var channel = ApiKeyChannel.Open(apiOnly.Symorq.GrpcUrl, MissionSystem.ApiKey);
        var marker = RoleScripts.NewMarker("replica-watch");
        system.Scripts.Script(marker, "generator", RoleAnswers.Generate("split on any whitespace", WordCount.Correct));
        system.Scripts.Script(marker, "monitor", RoleAnswers.Monitor(true, 1.0));
        var task = await system.SubmitAsync(WordCount.Spec(marker));

        // Rechecks are half an hour apart here: without the database's notifications this watch would hang.
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var call = new Tasks.TasksClient(channel).Watch(new WatchTaskRequest { TaskId = task.TaskId });
        var heard = new List<TaskEvent>();
        while (await call.ResponseStream.MoveNext(bound.Token)) heard.Add(call.ResponseStream.Current);

        var detail = await system.GetAsync(task.TaskId);
        Assert.Equal(TaskState.Succeeded, detail.Task.State);
        var stored = await system.SqlAsync<long>("SELECT count(*) FROM symorq.task_events WHERE task_id = @id", task.TaskId);
        Assert.Equal(stored, heard.Count);
        Assert.Equal(heard.Select(e => e.Sequence).Order(), heard.Select(e => e.Sequence));
    }

    /// <summary>A watch that is admitted: its first event has arrived.</summary>
    private async Task<AsyncServerStreamingCall<TaskEvent>> WatchAsync(string taskId)
    {
        var call = system.Tasks.Watch(new WatchTaskRequest { TaskId = taskId });
        try
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            return call;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    private async Task<AsyncServerStreamingCall<TaskEvent>?> TryWatchAsync(string taskId)
    {
        try
        {
            return await WatchAsync(taskId);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
        {
            return null;
        }
    }
}
