using System.Text.Json.Nodes;

namespace Gryphgen.Cli.Tests;

/// <summary>The dotnet tool installs where only the .NET runtime is: it carries no server framework.</summary>
public sealed class ToolRuntimeTests
{
    [Fact]
    public void The_gryphgen_tool_needs_the_dotnet_runtime_alone_not_ASP_NET_Core()
    {
        // The tool's own runtimeconfig, copied beside the tests with gryphgen.dll: what `dotnet gryphgen.dll` loads.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "gryphgen.runtimeconfig.json")))!["runtimeOptions"]!;
        var frameworks = config["frameworks"] is JsonArray several ? several.Select(f => f!["name"]!.GetValue<string>()).ToList()
            : [config["framework"]!["name"]!.GetValue<string>()];

        Assert.Equal(["Microsoft.NETCore.App"], frameworks);
    }
}
