using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// The grid's configuration (<c>Gryphgen:Llm</c>) checked at start, in real SYMORQ processes: a setting left at its
/// old key under <c>Gryphgen:Grid</c>, a configured endpoint that breaks a rule, or a gateway timeout out of range
/// stops SYMORQ with the key named.
/// </summary>
public sealed class GridConfigurationTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_setting_left_under_Gryphgen_Grid_stops_SYMORQ_naming_its_new_key()
    {
        var settings = await GridProcesses.Settings(_redis);
        settings["Gryphgen__Grid__ProbeTimeout"] = "00:00:05";

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GridProcesses.StartSymorqAsync(settings));
        Assert.Contains("Gryphgen:Grid:ProbeTimeout has moved to Gryphgen:Llm:ProbeTimeout", refused.Message);
    }

    [Fact]
    public async Task A_deployment_that_still_gives_the_key_encryption_secret_at_its_old_key_is_told_both_what_is_missing_and_where_it_went()
    {
        var settings = await GridProcesses.Settings(_redis);
        settings["Gryphgen__Grid__KeyEncryptionSecret"] = settings[GridProcesses.KeyEncryptionSecretVariable];
        settings.Remove(GridProcesses.KeyEncryptionSecretVariable);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GridProcesses.StartSymorqAsync(settings));
        Assert.Contains("Gryphgen:Llm:KeyEncryptionSecret is not set", refused.Message);
        Assert.Contains("Gryphgen:Grid:KeyEncryptionSecret has moved to Gryphgen:Llm:KeyEncryptionSecret", refused.Message);
        Assert.DoesNotContain(GridProcesses.KeyEncryptionSecret, refused.Message);
    }

    [Theory]
    [InlineData("Url", "ftp://box:8080", "Gryphgen:Llm:Endpoints:0:Url 'ftp://box:8080' must be an http(s) URL")]
    [InlineData("Url", "http://169.254.169.254/v1", "Gryphgen:Llm:Endpoints:0:Url 'http://169.254.169.254/v1': ")]
    [InlineData("Kind", "ollama", "Gryphgen:Llm:Endpoints:0:Kind 'ollama' must be one of llamacpp, lmstudio, jan, openai")]
    [InlineData("StreamIdleTimeout", "00:00:00", "Gryphgen:Llm:Endpoints:0:StreamIdleTimeout 00:00:00 must be between 00:00:01 and 01:00:00")]
    [InlineData("FirstByteTimeout", "02:00:00", "Gryphgen:Llm:Endpoints:0:FirstByteTimeout 02:00:00 must be between 00:00:01 and 01:00:00")]
    public async Task A_configured_endpoint_that_breaks_a_rule_stops_SYMORQ_naming_its_key(string field, string value, string expected)
    {
        var settings = await GridProcesses.Settings(_redis, ("box", new Uri("http://box:8080"), "openai", ["coder"]));
        settings[$"Gryphgen__Llm__Endpoints__0__{field}"] = value;

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GridProcesses.StartSymorqAsync(settings));
        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public async Task A_gateway_stream_idle_timeout_out_of_range_stops_SYMORQ_naming_its_key()
    {
        var settings = await GridProcesses.Settings(_redis);
        settings["Gryphgen__Gateway__StreamIdleTimeout"] = "00:00:00.500";

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GridProcesses.StartSymorqAsync(settings));
        Assert.Contains("Gryphgen:Gateway:StreamIdleTimeout must be between 00:00:01 and 01:00:00", refused.Message);
    }
}
