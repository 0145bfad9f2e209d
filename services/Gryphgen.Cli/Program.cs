using System.CommandLine;
using Gryphgen.Cli;
using Gryphgen.Cli.Commands;

using var telemetry = CliTelemetry.Start();

var root = new RootCommand("GRYPHGEN: local LLMs that cooperate to turn a task into working, tested software.");
root.Options.Add(GlobalOptions.Insecure);
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(EndpointsCommand.Create());
root.Subcommands.Add(KbCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(AgentsCommand.Create());
root.Subcommands.Add(SubmitCommand.Create());
foreach (var command in TaskCommands.Create()) root.Subcommands.Add(command);

var parse = root.Parse(args);
GryphgenConnection.AllowPlainHttpKey = parse.GetValue(GlobalOptions.Insecure);
return await parse.InvokeAsync();
