using System.Text.Json;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary><c>gryphgen kb</c> on the user's side, through SYMORQ, to SYMORG on "another machine", and back.</summary>
[Collection(RunningSystem.Name)]
public sealed class KnowledgeTests(GryphgenAppFixture system)
{
    [Fact]
    public async Task A_folder_ingested_with_the_cli_is_found_by_cli_search()
    {
        var folder = Directory.CreateTempSubdirectory("gryphgen-kb-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "Billing.cs"),
                "namespace Shop;\n\npublic sealed class Billing\n{\n    public decimal ComputeInvoiceTotal(decimal net, decimal taxRate) => net * (1 + taxRate);\n}\n");
            File.WriteAllText(Path.Combine(folder, ".gitignore"), "secret.txt\n");
            File.WriteAllText(Path.Combine(folder, "secret.txt"), "ComputeInvoiceTotal is not here");

            var ingest = await Cli("kb", "ingest", folder, "--collection", "e2e", "--source", "shop");
            var again = await Cli("kb", "ingest", folder, "--collection", "e2e", "--source", "shop");
            var search = await Cli("kb", "search", "ComputeInvoiceTotal", "--collection", "e2e", "--json");

            Assert.True(ingest.ExitCode == 0, ingest.StandardError);
            Assert.Contains("2 added", ingest.StandardOutput);
            Assert.Contains("2 unchanged", again.StandardOutput);
            Assert.True(search.ExitCode == 0, search.StandardError);
            using var json = JsonDocument.Parse(search.StandardOutput);
            var hits = json.RootElement.GetProperty("hits").EnumerateArray().ToList();
            Assert.Equal("shop/Billing.cs", hits[0].GetProperty("source_uri").GetString());
            Assert.DoesNotContain(hits, h => h.GetProperty("source_uri").GetString() == "shop/secret.txt");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Bad_input_is_one_line_and_exit_code_2()
    {
        var badName = await Cli("kb", "search", "x", "--collection", "Not A Name");
        var unknown = await Cli("kb", "search", "x", "--collection", "never-created");
        var missing = await Cli("kb", "ingest", "/no/such/folder", "--collection", "e2e");

        Assert.Equal((2, 2, 2), (badName.ExitCode, unknown.ExitCode, missing.ExitCode));
        // Each error is one line naming what was wrong, whatever its wording.
        foreach (var (run, culprit) in new[] { (badName, "'Not A Name'"), (unknown, "'never-created'"), (missing, "'/no/such/folder'") })
            Assert.Contains(culprit, Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    private Task<CliRun> Cli(params string[] arguments) =>
        GryphgenCli.RunAsync([.. arguments, "--url", system.GrpcUrl.ToString()], system.CliEnvironment);
}
