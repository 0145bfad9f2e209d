using System.CommandLine;
using Gryphgen.Contracts;
using Spectre.Console;

namespace Gryphgen.Cli.Commands;

/// <summary><c>gryphgen status [--json]</c>: every component's health; exit code 0 when all required ones are healthy.</summary>
public static class StatusCommand
{
    public const int Healthy = 0, Unhealthy = 1;

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var url = GlobalOptions.Url();
        var command = new Command("status", "Show the health of every GRYPHGEN component") { json, url };
        command.SetAction((parse, ct) => CliErrors.Guard(() => RunAsync(
            GryphgenConnection.ResolveUrl(parse.GetValue(url)), parse.GetValue(json), ct)));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, bool asJson, CancellationToken ct)
    {
        using var activity = CliTelemetry.Source.StartActivity("gryphgen status");
        using var channel = GryphgenConnection.OpenChannel(url);
        var status = await new Contracts.Status.StatusClient(channel)
            .GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);

        if (asJson) Console.WriteLine(StatusJson.Format(status));
        else Render(status, url);
        return status.Healthy ? Healthy : Unhealthy;
    }

    private static void Render(SystemStatus status, Uri url)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("Component", "Kind", "Health", "Detail");
        foreach (var c in status.Components)
        {
            var health = c.Healthy ? "[green]healthy[/]" : c.Required ? "[red]unhealthy[/]" : "[yellow]unavailable[/]";
            table.AddRow(Shown.Markup(c.Name), Shown.Markup(c.Kind), health, Shown.Markup(c.Detail));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(status.Healthy
            ? $"[green]GRYPHGEN at {Shown.Markup(url.ToString())} is healthy[/] (trace {status.TraceId})"
            : $"[red]GRYPHGEN at {Shown.Markup(url.ToString())} is not healthy[/] (trace {status.TraceId})");
    }
}
