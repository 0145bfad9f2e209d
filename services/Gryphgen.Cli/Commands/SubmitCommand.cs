using System.CommandLine;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Missions;

namespace Gryphgen.Cli.Commands;

/// <summary>
/// <c>gryphgen submit TASK.yaml [--wait] [--json]</c>: submits a task and prints its id; with <c>--wait</c> follows
/// it to its end and exits 0 only when it succeeded; with <c>--json</c> prints the task as JSON.
/// </summary>
public static class SubmitCommand
{
    public const long MaxSpecBytes = 2 * 1024 * 1024;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The task specification (YAML or JSON; see examples/)" };
        var wait = new Option<bool>("--wait") { Description = "Follow the task to its end; exit 0 only if it succeeded" };
        var json = new Option<bool>("--json") { Description = "Print the task (the final task with --wait) as JSON" };
        var url = GlobalOptions.Url();
        var command = new Command("submit", "Submit a task: a description and acceptance tests in, tested software out") { file, wait, json, url };
        command.SetAction((parse, ct) => CliErrors.Guard(() => RunAsync(GryphgenConnection.ResolveUrl(parse.GetValue(url)),
            parse.GetValue(file)!, parse.GetValue(wait), parse.GetValue(json), ct)));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, string file, bool wait, bool asJson, CancellationToken ct)
    {
        using var activity = CliTelemetry.Source.StartActivity("gryphgen submit");
        var spec = await ReadSpecAsync(file, ct);
        using var channel = GryphgenConnection.OpenChannel(url);
        var client = new Tasks.TasksClient(channel);
        var task = await client.SubmitAsync(new SubmitTaskRequest { Spec = spec }, cancellationToken: ct);
        if (!wait)
        {
            Console.WriteLine(asJson ? TaskJson.Task(task).ToJsonString(CliJson.Indented) : task.TaskId);
            return 0;
        }
        if (!asJson) Console.Error.WriteLine($"submitted {task.TaskId}");
        var final = await TaskProgress.FollowAsync(client, task.TaskId, quiet: asJson, ct);
        Console.WriteLine(asJson ? TaskJson.Task(final).ToJsonString(CliJson.Indented) : TaskProgress.Outcome(final));
        return TaskProgress.ExitCode(final);
    }

    private static async Task<string> ReadSpecAsync(string file, CancellationToken ct)
    {
        var info = new FileInfo(file);
        if (!info.Exists) throw new CliException($"'{file}' does not exist");
        if (info.Length > MaxSpecBytes) throw new CliException($"'{file}' is larger than {MaxSpecBytes / (1024 * 1024)} MiB; a task spec is much smaller");
        return await File.ReadAllTextAsync(info.FullName, ct);
    }
}
