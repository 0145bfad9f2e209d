using System.ComponentModel.DataAnnotations;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Fabric;
using NetMQ;

namespace Gryphgen.Symorq.Tests;

/// <summary>The fabric's CURVE encryption over real sockets, and the validation of the keys that configure it.</summary>
public sealed class FabricEncryptionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly BrokerHarness _harness = new();

    public Task InitializeAsync() => _harness.StartAsync(new FabricOptions { Liveness = 50 });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_worker_with_the_wrong_broker_key_or_without_encryption_cannot_talk_to_the_broker_even_with_a_valid_credential()
    {
        using var wrongKey = new TestWorker(_harness, brokerPublicKey: new NetMQCertificate().PublicKeyZ85);
        using var plain = new TestWorker(_harness, encrypted: false);
        wrongKey.Hello(AgentRole.Generator, "wrong-key");
        plain.Hello(AgentRole.Generator, "plain");
        using var right = new TestWorker(_harness);
        right.Hello(AgentRole.Generator, "right-key");

        await _harness.WorkersAsync(w => w.Count > 0, "the encrypted worker registering");
        var job = _harness.Broker.RunJobAsync(AgentRole.Generator, BrokerHarness.Work(), null, CancellationToken.None);
        right.AnswerNextJob("{}", Patience);

        Assert.Equal("right-key", (await job.WaitAsync(Patience)).WorkerId);
        Assert.Equal(0, wrongKey.CountArrivals(TimeSpan.FromMilliseconds(500)) + plain.CountArrivals(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(["right-key"], _harness.Registry.Snapshot().Select(w => w.Hello.WorkerId));
    }

    [Theory]
    [InlineData(nameof(FabricOptions.CurveSecretKey), "Fabric:CurveSecretKey")]
    [InlineData(nameof(FabricOptions.ListenAddress), "Fabric:ListenAddress")]
    [InlineData(nameof(FabricOptions.MaxWorkersPerRole), "Fabric:MaxWorkersPerRole")]
    [InlineData(nameof(FabricOptions.MaxMessageBytes), "Fabric:MaxMessageBytes")]
    [InlineData(nameof(FabricOptions.Credentials), "Fabric:Credentials:generator:0")]
    [InlineData("role", "Fabric:Credentials:wizard")]
    public void A_bad_fabric_setting_is_refused_with_its_key_named(string setting, string key)
    {
        var options = new FabricOptions();
        switch (setting)
        {
            case nameof(FabricOptions.CurveSecretKey): options.CurveSecretKey = "not-a-key"; break;
            case nameof(FabricOptions.ListenAddress): options.ListenAddress = "everywhere"; break;
            case nameof(FabricOptions.MaxWorkersPerRole): options.MaxWorkersPerRole = 0; break;
            case nameof(FabricOptions.MaxMessageBytes): options.MaxMessageBytes = 10; break;
            case nameof(FabricOptions.Credentials): options.Credentials["generator"] = ["short"]; break;
            default: options.Credentials["wizard"] = ["long-enough-credential-value"]; break;
        }

        var errors = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        Assert.Contains(errors, e => e.ErrorMessage!.StartsWith(key + " "));
    }
}
