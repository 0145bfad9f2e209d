using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>The disk PostgreSQL keeps its data on, as SYMORQ's status reports it when told where it is.</summary>
[Collection(Missions.Name)]
public sealed class DatabaseDiskStatusTests(MissionSystem system)
{
    [Theory]
    [InlineData(0L, true)]
    [InlineData(long.MaxValue, false)]
    public async Task The_database_disk_is_unhealthy_below_its_floor_naming_the_key(long floor, bool healthy)
    {
        var folder = Directory.CreateTempSubdirectory("gryphgen-database-disk-").FullName;
        try
        {
            await using var replica = await system.StartReplicaAsync(runsTasks: false, new Dictionary<string, string>
            {
                ["Gryphgen__Status__DatabaseDisk"] = folder, ["Gryphgen__Status__DatabaseMinFreeBytes"] = floor.ToString(),
            });
            using var channel = ApiKeyChannel.Open(replica.Symorq.GrpcUrl, MissionSystem.ApiKey);

            var status = await new Contracts.Status.StatusClient(channel).GetStatusAsync(new GetStatusRequest());

            var disk = Assert.Single(status.Components, c => c.Name == "postgres/disk");
            Assert.Equal(healthy, disk.Healthy);
            Assert.Equal(folder, disk.Facts["folder"]);
            if (healthy)
            {
                Assert.Contains("MiB free under", disk.Detail);
            }
            else
            {
                Assert.Contains("Gryphgen:Status:DatabaseMinFreeBytes", disk.Detail);
                Assert.False(status.Healthy); // the disk is required: a full one stops everything
            }
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public async Task Without_the_disk_given_nothing_is_said_of_it()
    {
        using var channel = ApiKeyChannel.Open(system.Symorq.GrpcUrl, MissionSystem.ApiKey);
        var status = await new Contracts.Status.StatusClient(channel).GetStatusAsync(new GetStatusRequest());

        Assert.DoesNotContain(status.Components, c => c.Name == "postgres/disk");
    }
}
