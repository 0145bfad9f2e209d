using Gryphgen.AppHost.Containers;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// <c>Gryphgen:Infrastructure=auto</c> on this machine, where podman's engine answers and nothing can be pulled:
/// containers when every image the run needs is here, local otherwise (never a run waiting for a pull).
/// </summary>
public sealed class InfrastructureChoiceTests
{
    [Fact]
    public async Task Auto_chooses_containers_where_the_engine_answers_and_every_image_is_here()
    {
        var postgres = await PostgresAsync(
            $"--Gryphgen:Images:Postgres={ContainersAppFixture.Images[0]}", $"--Gryphgen:Images:Redis={ContainersAppFixture.Images[1]}");

        Assert.IsAssignableFrom<ContainerResource>(postgres);
    }

    [Fact]
    public async Task Auto_chooses_local_mode_where_an_image_is_neither_here_nor_to_be_pulled()
    {
        var postgres = await PostgresAsync(
            $"--Gryphgen:Images:Postgres={ContainersAppFixture.Images[0]}", "--Gryphgen:Images:Redis=localhost/gryphgen-absent:1");

        Assert.IsNotAssignableFrom<ContainerResource>(postgres);
    }

    /// <summary>The database resource of the AppHost's run model in auto mode, built (not started).</summary>
    private static async Task<IResource> PostgresAsync(params string[] settings)
    {
        var state = Directory.CreateTempSubdirectory("gryphgen-auto-").FullName;
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gryphgen_AppHost>(
                ["--Gryphgen:Infrastructure=auto", $"--Gryphgen:StateDir={state}", $"--{ContainerRuntime.ConfigurationKey}={ContainerRuntime.Podman}", .. settings]);
            await using var app = await builder.BuildAsync();
            return app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "postgres");
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
