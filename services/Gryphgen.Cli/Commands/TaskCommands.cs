using System.CommandLine;
using System.Text.Json.Nodes;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Missions;
using Spectre.Console;

namespace Gryphgen.Cli.Commands;

/// <summary>
/// The commands about submitted tasks: <c>watch ID</c>, <c>list [--state S] [--json]</c>, <c>show ID [--json]</c>,
/// <c>cancel ID</c> and <c>artifacts ID --out DIR</c>.
/// </summary>
public static class TaskCommands
{
    public static IEnumerable<Command> Create() => [Watch(), List(), Show(), Cancel(), Artifacts()];

    private static Argument<string> TaskId() => new("ID") { Description = "The task's id, as submit printed it" };

    private static Command Watch()
    {
        var id = TaskId();
        var url = GlobalOptions.Url();
        var command = new Command("watch", "Follow a task live to its end; exit 0 only if it succeeded") { id, url };
        command.SetAction((parse, ct) => WithTasks(parse.GetValue(url), async client =>
        {
            var task = await TaskProgress.FollowAsync(client, parse.GetValue(id)!, quiet: false, ct);
            Console.WriteLine(TaskProgress.Outcome(task));
            return TaskProgress.ExitCode(task);
        }));
        return command;
    }

    private static Command List()
    {
        var state = new Option<string?>("--state") { Description = $"Only tasks in this state ({string.Join(", ", TaskStateNames.All)})" };
        var limit = new Option<int>("--limit") { Description = "Most tasks to list, newest first", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the tasks as JSON" };
        var url = GlobalOptions.Url();
        var command = new Command("list", "List tasks, newest first") { state, limit, json, url };
        command.SetAction((parse, ct) => WithTasks(parse.GetValue(url), async client =>
        {
            var filter = TaskState.Unspecified;
            if (parse.GetValue(state) is { } name && !TaskStateNames.TryParse(name, out filter))
                throw new CliException($"--state must be one of {string.Join(", ", TaskStateNames.All)} (got '{name}')");
            var reply = await client.ListAsync(new ListTasksRequest { State = filter, Limit = parse.GetValue(limit) }, cancellationToken: ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonArray(reply.Tasks.Select(t => (JsonNode)TaskJson.Task(t)).ToArray()).ToJsonString(CliJson.Indented));
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Id", "State", "Title", "Iterations", "Tests", "Tokens", "Submitted");
            foreach (var t in reply.Tasks)
            {
                table.AddRow(t.TaskId, TaskStateNames.Name(t.State), Shown.Markup(t.Title), $"{t.Iterations}/{t.MaxIterations}",
                    $"{t.Tests.Passed} passed, {t.Tests.Failed + t.Tests.Errored} failing", $"{t.Tokens:N0}",
                    DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedUnixMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm"));
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var id = TaskId();
        var json = new Option<bool>("--json") { Description = "Print the task and its steps as JSON" };
        var url = GlobalOptions.Url();
        var command = new Command("show", "Show a task and every step it ran") { id, json, url };
        command.SetAction((parse, ct) => WithTasks(parse.GetValue(url), async client =>
        {
            var detail = await client.GetAsync(new TaskRef { TaskId = parse.GetValue(id)! }, cancellationToken: ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(TaskJson.Detail(detail).ToJsonString(CliJson.Indented));
                return 0;
            }
            AnsiConsole.MarkupLine($"[bold]{Shown.Markup(detail.Task.Title)}[/] ({detail.Task.Language}, priority {detail.Task.Priority})");
            Console.WriteLine(TaskProgress.Outcome(detail.Task));
            var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "Step", "State", "Attempts", "Tokens", "Summary");
            foreach (var s in detail.Steps)
                table.AddRow(s.Iteration.ToString(), s.Kind, s.State, s.Attempts.ToString(), $"{s.Tokens:N0}", Shown.Markup(s.Summary));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Cancel()
    {
        var id = TaskId();
        var url = GlobalOptions.Url();
        var command = new Command("cancel", "Cancel a queued or running task") { id, url };
        command.SetAction((parse, ct) => WithTasks(parse.GetValue(url), async client =>
        {
            var task = await client.CancelAsync(new TaskRef { TaskId = parse.GetValue(id)! }, cancellationToken: ct);
            Console.WriteLine(TaskStateNames.IsFinished(task.State) ? TaskProgress.Outcome(task) : $"{task.TaskId} is being cancelled");
            return 0;
        }));
        return command;
    }

    private static Command Artifacts()
    {
        var id = TaskId();
        var output = new Option<string>("--out") { Description = "The folder to write the project into (created; must be empty)", Required = true };
        var url = GlobalOptions.Url();
        var command = new Command("artifacts", "Write the project a task produced into a folder") { id, output, url };
        command.SetAction((parse, ct) => WithTasks(parse.GetValue(url), async client =>
        {
            var folder = Path.GetFullPath(parse.GetValue(output)!);
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
                throw new CliException($"'{folder}' is not empty; give a new or empty folder");
            using var archive = new MemoryStream();
            using (var call = client.Artifacts(new TaskRef { TaskId = parse.GetValue(id)! }, cancellationToken: ct))
            {
                while (await call.ResponseStream.MoveNext(ct)) call.ResponseStream.Current.Data.WriteTo(archive);
            }
            archive.Position = 0;
            var files = await ArtifactArchive.ExtractAsync(archive, folder, Console.Error, ct);
            Console.WriteLine($"wrote {files} file(s) to {folder}");
            return 0;
        }));
        return command;
    }

    private static Task<int> WithTasks(string? url, Func<Tasks.TasksClient, Task<int>> action) => CliErrors.Guard(async () =>
    {
        using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(url));
        return await action(new Tasks.TasksClient(channel));
    });
}
