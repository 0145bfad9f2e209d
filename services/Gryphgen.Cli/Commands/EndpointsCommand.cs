using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Llm;
using Spectre.Console;

namespace Gryphgen.Cli.Commands;

/// <summary><c>gryphgen endpoints list|add|remove</c>: the LLM grid's endpoints.</summary>
public static class EndpointsCommand
{

    public static Command Create() => new("endpoints", "List, add and remove the LLM grid's endpoints") { List(), Add(), Remove() };

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print the endpoints as JSON" };
        var server = GlobalOptions.Url();
        var command = new Command("list", "Show every endpoint with its live state") { json, server };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(parse.GetValue(server)));
            var reply = await new Contracts.Grid.GridClient(channel).ListEndpointsAsync(new ListEndpointsRequest(), cancellationToken: ct);
            if (parse.GetValue(json)) Console.WriteLine(ToJson(reply.Endpoints).ToJsonString(CliJson.Indented));
            else Render(reply.Endpoints);
            return 0;
        }));
        return command;
    }

    private static Command Add()
    {
        var name = new Option<string>("--name") { Description = "A name for the endpoint (lower-case letters, digits, '-')", Required = true };
        var url = new Option<string>("--url") { Description = "The server's URL, e.g. http://gpu-box:8080 or http://laptop:1234/v1", Required = true };
        var kind = new Option<string>("--kind") { Description = string.Join(", ", LlmEndpointKinds.All), DefaultValueFactory = _ => LlmEndpointKinds.OpenAi };
        kind.AcceptOnlyFromAmong(LlmEndpointKinds.All);
        var models = new Option<string?>("--models") { Description = "Comma-separated model aliases it serves, e.g. coder,fast" };
        var apiKeyEnv = new Option<string?>("--api-key-env") { Description = "Name of an environment variable that holds the server's API key" };
        var weight = new Option<double?>("--weight") { Description = "Preference among equally fast endpoints (default 1)" };
        var slots = new Option<int?>("--slots") { Description = "Requests it serves at once, where the server cannot say" };
        var command = new Command("add", $"Add an OpenAI-compatible server to the grid (SYMORQ is found through ${GryphgenConnection.UrlVariable})")
        {
            name, url, kind, models, apiKeyEnv, weight, slots,
        };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            var request = new AddEndpointRequest
            {
                Name = parse.GetValue(name)!, Url = parse.GetValue(url)!, Kind = parse.GetValue(kind)!,
                ApiKey = ReadApiKey(parse.GetValue(apiKeyEnv)),
            };
            if (parse.GetValue(weight) is { } w) request.Weight = w;
            if (parse.GetValue(slots) is { } n) request.Slots = n;
            request.Models.AddRange((parse.GetValue(models) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(null));
            var added = await new Contracts.Grid.GridClient(channel).AddEndpointAsync(request, cancellationToken: ct);
            Console.WriteLine($"added {added.Name} ({added.Kind}, {added.Url})");
            return 0;
        }));
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name") { Description = "The endpoint to remove" };
        var server = GlobalOptions.Url();
        var command = new Command("remove", "Remove an endpoint added with 'endpoints add'") { name, server };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(parse.GetValue(server)));
            await new Contracts.Grid.GridClient(channel).RemoveEndpointAsync(new RemoveEndpointRequest { Name = parse.GetValue(name)! }, cancellationToken: ct);
            Console.WriteLine($"removed {parse.GetValue(name)}");
            return 0;
        }));
        return command;
    }

    /// <summary>The key from the named variable: the key itself never appears on a command line or in shell history.</summary>
    private static string ReadApiKey(string? variable)
    {
        if (variable is null) return "";
        var key = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(key) ? throw new CliException($"--api-key-env: the environment variable {variable} is not set") : key;
    }

    private static JsonArray ToJson(IEnumerable<GridEndpointInfo> endpoints) => new(endpoints.Select(e => (JsonNode)new JsonObject
    {
        ["name"] = e.Name, ["url"] = e.Url, ["kind"] = e.Kind, ["models"] = new JsonArray(e.Models.Select(m => (JsonNode)m!).ToArray()),
        ["model_ids"] = new JsonArray(e.ModelIds.Select(m => (JsonNode)m!).ToArray()), ["weight"] = e.Weight,
        ["configured"] = e.Configured, ["available"] = e.Available, ["problem"] = e.Problem, ["slots"] = e.Slots,
        ["in_flight"] = e.InFlight, ["tokens_per_second"] = e.TokensPerSecond, ["served"] = e.Served,
        ["failures"] = e.Failures, ["has_api_key"] = e.HasApiKey,
    }).ToArray());

    private static void Render(IEnumerable<GridEndpointInfo> endpoints)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Name", "Kind", "URL", "Models", "State", "Slots", "tok/s", "Served");
        foreach (var e in endpoints)
        {
            var state = e.Available ? "[green]up[/]" : $"[red]down[/] {Shown.Markup(e.Problem)}";
            table.AddRow(Shown.Markup(e.Name) + (e.Configured ? " [grey](config)[/]" : ""), e.Kind, Shown.Markup(e.Url),
                Shown.Markup(string.Join(",", e.Models.Concat(e.ModelIds))), state, $"{e.InFlight}/{e.Slots}",
                e.TokensPerSecond.ToString("0.0", CultureInfo.InvariantCulture), e.Served.ToString());
        }
        AnsiConsole.Write(table);
    }
}
