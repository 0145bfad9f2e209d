using Gryphgen.Symaug.Sandbox;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Tests;

public sealed class ToolchainsTests
{
    [Fact]
    public async Task The_hosts_toolchains_are_found_with_versions()
    {
        var found = await new Toolchains(Options.Create(new SandboxOptions())).FindAsync(CancellationToken.None);

        Assert.Equal(["python3", "pytest", "node", "dotnet", "gcc", "bash"], found.Select(t => t.Name));
        Assert.All(found.Where(t => t.Name is "bash" or "python3" or "pytest"), t => Assert.True(t.Found, t.Name));
        Assert.StartsWith("GNU bash", found.Single(t => t.Name == "bash").Version);
    }

    [Fact]
    public async Task An_interpreter_that_does_not_exist_is_reported_missing()
    {
        var found = await new Toolchains(Options.Create(new SandboxOptions { Python = "/nonexistent/python3" })).FindAsync(CancellationToken.None);
        Assert.False(found.Single(t => t.Name == "pytest").Found);
    }
}
