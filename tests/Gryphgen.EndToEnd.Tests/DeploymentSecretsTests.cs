using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// The secrets the AppHost generates close the doors as wired: the API key is written for the CLI readable by its
/// owner only, and SYMORG and SYMAUG, as the AppHost starts them, refuse a caller that is not SYMORQ.
/// </summary>
[Collection(RunningSystem.Name)]
public sealed class DeploymentSecretsTests(GryphgenAppFixture system)
{
    [Fact]
    public void The_generated_API_key_is_in_a_file_only_its_owner_can_read()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(system.ApiKeyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(system.ApiKeyFile)!));
        Assert.True(system.ApiKey.Length >= 32);
    }

    [Fact]
    public void The_Redis_password_is_in_a_config_file_only_its_owner_can_read_not_on_the_command_line()
    {
        var secrets = Path.GetDirectoryName(system.ApiKeyFile)!;
        var config = Path.Combine(secrets, "redis.conf");
        var password = File.ReadAllText(Path.Combine(secrets, "redis-password")).Trim();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        Assert.Contains($"requirepass {password}", File.ReadAllLines(config));

        // The arguments as the orchestrator was given them (and shows them), and as the process has them.
        Assert.True(system.App.ResourceNotifications.TryGetCurrentState("redis", out var redis));
        var properties = redis.Snapshot.Properties.ToDictionary(p => p.Name, p => p.Value);
        var args = Assert.IsAssignableFrom<IEnumerable<string>>(properties["executable.args"]).ToList();
        Assert.Equal(config, args[0]);
        Assert.DoesNotContain(args, a => a.Contains(password));
        var pid = Convert.ToInt32(properties["executable.pid"]);
        Assert.DoesNotContain(password, File.ReadAllText($"/proc/{pid}/cmdline"));
    }

    [Theory]
    [InlineData("symorg")]
    [InlineData("symaug")]
    public async Task An_internal_service_refuses_every_caller_but_SYMORQ(string service)
    {
        // Even SYMORQ's public API key is not the internal credential.
        foreach (var credential in new[] { null, system.ApiKey })
        {
            using var channel = ApiKeyChannel.Open(system.App.GetEndpoint(service, "grpc"), credential);
            var results = await EveryRpc.CallAsync(channel.CreateCallInvoker(), ComponentInfo.Descriptor);
            Assert.Equal(results.Select(r => (r.Method, StatusCode.Unauthenticated)), results);
        }
    }

    [Fact]
    public async Task SYMORQ_refuses_a_caller_without_the_key()
    {
        using var channel = ApiKeyChannel.Open(system.GrpcUrl, null);
        var error = await Assert.ThrowsAsync<RpcException>(() => new Contracts.Status.StatusClient(channel).GetStatusAsync(new GetStatusRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }
}
