using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Contracts.Missions;
using Spectre.Console;

namespace Gryphgen.Cli.Commands;

/// <summary>
/// <c>gryphgen agents enroll|list|revoke</c>: the credentials of agent workers on other machines (an admin key is
/// needed for each).
/// </summary>
public static class AgentsCommand
{
    public static Command Create() =>
        new("agents", "Enroll, list and revoke agent workers on other machines (needs an admin key)") { Enroll(), List(), Revoke() };

    private static Command Enroll()
    {
        var role = new Option<string>("--role") { Description = "The role the worker serves", Required = true };
        role.AcceptOnlyFromAmong([.. AgentRoles.AllNames]);
        var name = new Option<string?>("--name")
        {
            Description = "A name for the credential (lower-case letters, digits, '-'); default: the role and a random suffix",
        };
        var server = GlobalOptions.Url();
        var command = new Command("enroll", "Issue a credential for one worker and print, this once, the settings it needs") { role, name, server };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            AgentRoles.TryParse(parse.GetValue(role), out var agentRole);
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(parse.GetValue(server)));
            var enrolled = await new Contracts.Agents.AgentsClient(channel).EnrollAsync(
                new EnrollAgentRequest { Role = agentRole, Name = parse.GetValue(name) ?? "" }, cancellationToken: ct);
            // The worker's settings as an environment file (systemd EnvironmentFile=, podman/docker --env-file): a Z85
            // key may hold characters a shell would read, so these lines are not meant to be sourced.
            Console.WriteLine($"Agent__Role={agentRole.ToName()}");
            Console.WriteLine($"Fabric__Endpoint={enrolled.BrokerEndpoint}");
            Console.WriteLine($"Fabric__BrokerPublicKey={enrolled.BrokerPublicKey}");
            Console.WriteLine($"Fabric__Credential={enrolled.Credential}");
            Console.Error.WriteLine($"enrolled {enrolled.Agent.Name} ({agentRole.ToName()}): the credential above will not be shown again. " +
                "Give the worker these settings, and Agent__Gateway (SYMORQ's gateway, http(s)://HOST:PORT/v1) with Agent__GatewayApiKey (a key it may use).");
            if (Uri.TryCreate(enrolled.BrokerEndpoint, UriKind.Absolute, out var endpoint) && IsLoopback(endpoint.Host))
            {
                Console.Error.WriteLine($"note: the broker listens on {endpoint.Host}, which no other machine reaches; " +
                    "set Fabric:ListenAddress (and Fabric:AdvertisedEndpoint if workers dial another address) on SYMORQ.");
            }
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print the credentials as JSON" };
        var server = GlobalOptions.Url();
        var command = new Command("list", "Show every enrolled credential: name, role, created, revoked (never the credential)") { json, server };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(parse.GetValue(server)));
            var reply = await new Contracts.Agents.AgentsClient(channel).ListAsync(new ListAgentsRequest(), cancellationToken: ct);
            if (parse.GetValue(json)) Console.WriteLine(ToJson(reply.Agents).ToJsonString(CliJson.Indented));
            else Render(reply.Agents);
            return 0;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var name = new Argument<string>("name") { Description = "The credential to revoke" };
        var server = GlobalOptions.Url();
        var command = new Command("revoke", "Revoke a credential: its workers are dropped and get no further job") { name, server };
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            using var channel = GryphgenConnection.OpenChannel(GryphgenConnection.ResolveUrl(parse.GetValue(server)));
            await new Contracts.Agents.AgentsClient(channel).RevokeAsync(new RevokeAgentRequest { Name = parse.GetValue(name)! }, cancellationToken: ct);
            Console.WriteLine($"revoked {parse.GetValue(name)}");
            return 0;
        }));
        return command;
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static string RoleName(AgentRole role) => role.IsKnown() ? role.ToName() : role.ToString();

    private static JsonArray ToJson(IEnumerable<AgentCredentialInfo> agents) => new(agents.Select(a => (JsonNode)new JsonObject
    {
        ["name"] = a.Name, ["role"] = RoleName(a.Role), ["created"] = TaskJson.Time(a.CreatedUnixMs),
        ["revoked"] = a.RevokedUnixMs == 0 ? null : TaskJson.Time(a.RevokedUnixMs),
    }).ToArray());

    private static void Render(IEnumerable<AgentCredentialInfo> agents)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Name", "Role", "Created", "Revoked");
        foreach (var a in agents)
        {
            table.AddRow(Markup.Escape(a.Name), RoleName(a.Role), Shown.Minute(a.CreatedUnixMs),
                a.RevokedUnixMs == 0 ? "[green]active[/]" : $"[red]{Shown.Minute(a.RevokedUnixMs)}[/]");
        }
        AnsiConsole.Write(table);
    }
}
