using System.CommandLine;
using System.Text.Json.Nodes;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Missions;
using Spectre.Console;

namespace Gryphgen.Cli.Commands;

/// <summary><c>gryphgen keys create|list|revoke</c>: SYMORQ's API keys (an admin key is needed for each).</summary>
public static class KeysCommand
{
    public static Command Create() => new("keys", "Create, list and revoke API keys (needs an admin key)") { New(), List(), Revoke() };

    private static Command New()
    {
        var name = new Option<string>("--name") { Description = "A name for the key (lower-case letters, digits, '-'); its tasks are filed under it", Required = true };
        var scope = new Option<string>("--scope") { Description = "user (its own tasks, knowledge search, the gateway), admin (everything) or agent (the gateway /v1 only, for an agent process)", Required = true };
        scope.AcceptOnlyFromAmong([.. KeyScopeNames.All]);
        var collections = new Option<string[]>("--collection")
        {
            Description = "A knowledge collection a user key may search (repeat it; '*' for every one); none unless given",
        };
        var server = GlobalOptions.Url();
        var command = new Command("create", "Create a key and print its secret, this once") { name, scope, collections, server };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(parse.GetValue(server)));
            var created = await new Contracts.Keys.KeysClient(channel).CreateAsync(new CreateKeyRequest
            {
                Name = parse.GetValue(name)!, Scope = KeyScopeNames.Parse(parse.GetValue(scope)), Collections = { parse.GetValue(collections) ?? [] },
            }, cancellationToken: ct);
            Console.WriteLine(created.Secret);
            Console.Error.WriteLine($"created key {created.Key.Name} ({KeyScopeNames.Name(created.Key.Scope)}): the secret above will not be shown again; " +
                $"give it as ${GryphgenConnection.ApiKeyVariable}");
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print the keys as JSON" };
        var server = GlobalOptions.Url();
        var command = new Command("list", "Show every key: name, scope, created, revoked (never a secret)") { json, server };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(parse.GetValue(server)));
            var reply = await new Contracts.Keys.KeysClient(channel).ListAsync(new ListKeysRequest(), cancellationToken: ct);
            if (parse.GetValue(json)) Console.WriteLine(ToJson(reply.Keys).ToJsonString(CliJson.Indented));
            else Render(reply.Keys);
            return 0;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var name = new Argument<string>("name") { Description = "The key to revoke" };
        var server = GlobalOptions.Url();
        var command = new Command("revoke", "Revoke a key: SYMORQ refuses it from the next call on") { name, server };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(parse.GetValue(server)));
            await new Contracts.Keys.KeysClient(channel).RevokeAsync(new RevokeKeyRequest { Name = parse.GetValue(name)! }, cancellationToken: ct);
            Console.WriteLine($"revoked {parse.GetValue(name)}");
            return 0;
        }));
        return command;
    }

    private static JsonArray ToJson(IEnumerable<KeyInfo> keys) => new(keys.Select(k => (JsonNode)new JsonObject
    {
        ["name"] = k.Name, ["scope"] = KeyScopeNames.Name(k.Scope), ["configured"] = k.Configured,
        ["collections"] = new JsonArray(k.Collections.Select(c => (JsonNode?)c).ToArray()),
        ["created"] = k.CreatedUnixMs == 0 ? null : TaskJson.Time(k.CreatedUnixMs),
        ["revoked"] = k.RevokedUnixMs == 0 ? null : TaskJson.Time(k.RevokedUnixMs),
    }).ToArray());

    private static void Render(IEnumerable<KeyInfo> keys)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Name", "Scope", "Collections", "Created", "Revoked");
        foreach (var k in keys)
        {
            table.AddRow(Markup.Escape(k.Name) + (k.Configured ? " [grey](config)[/]" : ""), KeyScopeNames.Name(k.Scope),
                Markup.Escape(string.Join(", ", k.Collections)),
                k.CreatedUnixMs == 0 ? "" : DateTimeOffset.FromUnixTimeMilliseconds(k.CreatedUnixMs).ToString("yyyy-MM-dd HH:mm"),
                k.RevokedUnixMs == 0 ? "[green]active[/]" : $"[red]{DateTimeOffset.FromUnixTimeMilliseconds(k.RevokedUnixMs):yyyy-MM-dd HH:mm}[/]");
        }
        AnsiConsole.Write(table);
    }
}
