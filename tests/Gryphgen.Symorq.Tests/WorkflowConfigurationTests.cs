using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// A workflow, retention or internal-deadline setting SYMORQ cannot apply stops it at start, naming the key, before it
/// claims a task, calls a peer or deletes anything.
/// </summary>
public sealed class WorkflowConfigurationTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Theory]
    [InlineData("Internal:CallTimeout", "00:00:00", "Gryphgen:Internal:CallTimeout must be between 00:00:01 and 1.00:00:00")]
    [InlineData("Internal:LongCallTimeout", "2.00:00:00", "Gryphgen:Internal:LongCallTimeout must be between 00:00:01 and 1.00:00:00")]
    [InlineData("Workflow:RecoveryTimeout", "02:00:00", "Gryphgen:Workflow:RecoveryTimeout must be between 00:00:00 and 01:00:00")]
    [InlineData("Workflow:RecoveryTimeout", "soon", "Gryphgen:Workflow:RecoveryTimeout")]
    [InlineData("Workflow:MaxStepAttempts", "0", "Gryphgen:Workflow:MaxStepAttempts must be between 1 and 10")]
    [InlineData("Workflow:PollInterval", "00:00:00", "Gryphgen:Workflow:PollInterval must be between 00:00:00.0500000 and 00:10:00")]
    [InlineData("Workflow:WatchRecheck", "00:00:00", "Gryphgen:Workflow:WatchRecheck must be between 00:00:00.1000000 and 01:00:00")]
    [InlineData("Workflow:MaxConcurrentTasks", "-1", "Gryphgen:Workflow:MaxConcurrentTasks must be between 0 and 256")]
    [InlineData("Status:DatabaseMinFreeBytes", "-1", "Gryphgen:Status:DatabaseMinFreeBytes must not be negative")]
    [InlineData("Retention:WorkspacesFor", "00:00:10", "Gryphgen:Retention:WorkspacesFor must be between 00:01:00 and 3650.00:00:00")]
    [InlineData("Retention:ArtifactsFor", "-1.00:00:00", "Gryphgen:Retention:ArtifactsFor must be between 00:01:00 and 3650.00:00:00")]
    [InlineData("Retention:SweepInterval", "00:00:00", "Gryphgen:Retention:SweepInterval must be between 00:00:00.1000000 and 1.00:00:00")]
    [InlineData("Retention:ArtifactsFor", "1.00:00:00", "Gryphgen:Retention:ArtifactsFor (1.00:00:00) must be at least Gryphgen:Retention:WorkspacesFor (7.00:00:00)")]
    public async Task A_setting_out_of_range_stops_SYMORQ_naming_its_key(string key, string value, string message)
    {
        var settings = await GridProcesses.Settings(_redis);
        settings[$"Gryphgen__{key.Replace(":", "__")}"] = value;

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GridProcesses.StartSymorqAsync(settings));
        Assert.Contains(message, refused.Message);
    }
}
