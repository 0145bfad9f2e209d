using System.Net;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Data;
using Gryphgen.Testing;
using Npgsql;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// An endpoint's API key added at run time, in a real SYMORQ process and PostgreSQL: the database holds it only
/// encrypted (and the key ring that could open it only sealed with the deployment's secret), while the gateway and
/// the prober still send it, also after a restart. SYMORQ does not start without the secret, nor with another one.
/// </summary>
public sealed class EndpointKeyProtectionTests : IAsyncLifetime
{
    private const string UpstreamKey = "upstream-sk-5d1e0c97b3a44f2e";
    private const string LegacyKey = "legacy-sk-8b2f6a0d91c3e475";
    private RedisServerProcess _redis = null!;
    private ScriptedLlmServer _upstream = null!;
    private ScriptedLlmServer _legacy = null!;
    private Dictionary<string, string> _settings = null!;
    private ServiceProcess _symorq = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _upstream = await ScriptedLlmServer.StartAsync();
        _legacy = await ScriptedLlmServer.StartAsync();
        _settings = await GridProcesses.Settings(_redis);
        _symorq = await GridProcesses.StartSymorqAsync(_settings);
    }

    public async Task DisposeAsync()
    {
        await _symorq.DisposeAsync();
        await _upstream.DisposeAsync();
        await _legacy.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_stored_key_is_in_no_column_in_plain_text_and_reaches_the_endpoint_also_after_a_restart()
    {
        using (var channel = GridProcesses.OpenChannel(_symorq))
        {
            await new Contracts.Grid.GridClient(channel).AddEndpointAsync(new AddEndpointRequest
            {
                Name = "remote", Url = _upstream.Url.ToString(), Kind = "openai", Models = { "coder" }, ApiKey = UpstreamKey,
            });
        }
        await AssertSentAsync(_upstream, "coder", UpstreamKey);

        var rows = await DumpAsync();
        Assert.DoesNotContain(rows, row => row.Text.Contains(UpstreamKey, StringComparison.Ordinal));
        Assert.Contains(rows, row => row.Table == "grid_endpoints");
        var keyRing = rows.Where(row => row.Table == "data_protection_keys").ToList();
        Assert.NotEmpty(keyRing);
        // Each key's secret is sealed, not stored as Data Protection's plain <masterKey> element.
        Assert.All(keyRing, key => Assert.Contains("aesGcmSealed", key.Text));
        Assert.All(keyRing, key => Assert.DoesNotContain("masterKey", key.Text));

        await _symorq.DisposeAsync();
        _symorq = await GridProcesses.StartSymorqAsync(_settings);
        await AssertSentAsync(_upstream, "coder", UpstreamKey);
        Assert.DoesNotContain(UpstreamKey, _symorq.Log);

        await _symorq.DisposeAsync();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GridProcesses.StartSymorqAsync(
            new Dictionary<string, string>(_settings) { [GridProcesses.KeyEncryptionSecretVariable] = "another-deployment-secret-0123456789" }));
        Assert.Contains("'remote'", refused.Message);
        Assert.Contains("Gryphgen:Llm:KeyEncryptionSecret", refused.Message);
        Assert.DoesNotContain(UpstreamKey, refused.Message);
        _symorq = await GridProcesses.StartSymorqAsync(_settings);
    }

    [Fact]
    public async Task A_key_stored_in_plain_text_before_is_encrypted_on_start_and_still_sent()
    {
        await _symorq.DisposeAsync();
        // A row as the EndpointKeyProtection migration leaves a key stored before keys were protected.
        await using (var db = new NpgsqlConnection(_settings["ConnectionStrings__gryphgen"]))
        {
            await db.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO symorq.grid_endpoints (name, url, kind, protected_api_key, models, weight, created_at) " +
                "VALUES ('legacy', @url, 'openai', @key, '{legacy}', 1, now())", db);
            insert.Parameters.AddWithValue("url", _legacy.Url.ToString());
            insert.Parameters.AddWithValue("key", "plain:" + LegacyKey);
            await insert.ExecuteNonQueryAsync();
        }

        _symorq = await GridProcesses.StartSymorqAsync(_settings);

        Assert.DoesNotContain(await DumpAsync(), row => row.Text.Contains(LegacyKey, StringComparison.Ordinal));
        await AssertSentAsync(_legacy, "legacy", LegacyKey);
    }

    [Fact]
    public async Task Without_the_key_encryption_secret_SYMORQ_refuses_to_start_and_says_which_setting()
    {
        var settings = new Dictionary<string, string>(_settings);
        settings.Remove(GridProcesses.KeyEncryptionSecretVariable);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GridProcesses.StartSymorqAsync(settings));
        Assert.Contains("Gryphgen:Llm:KeyEncryptionSecret is not set", refused.Message);
    }

    /// <summary>The gateway's request for <paramref name="model"/> and the prober's next probes reach the upstream with its key.</summary>
    private async Task AssertSentAsync(ScriptedLlmServer upstream, string model, string key)
    {
        upstream.ModelListRequests.Clear();
        using (var gateway = new GatewayClient(_symorq.HttpUrl))
        using (var response = await gateway.PostAsync("v1/chat/completions", GatewayClient.Chat(model, 4)))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Bearer {key}", upstream.Requests.Last().Header("Authorization"));
        await Eventually.Get(() => Task.FromResult(upstream.ModelListRequests.ToList()), probes => probes.Count > 0,
            TimeSpan.FromSeconds(30), "a probe of the endpoint");
        Assert.All(upstream.ModelListRequests, probe => Assert.Equal($"Bearer {key}", probe.Header("Authorization")));
    }

    /// <summary>Every row of every table of SYMORQ's database as PostgreSQL prints it: what a dump would hold.</summary>
    private async Task<List<(string Table, string Text)>> DumpAsync()
    {
        await using var db = new NpgsqlConnection(_settings["ConnectionStrings__gryphgen"]);
        await db.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = @schema AND table_type = 'BASE TABLE'", db) { Parameters = { new NpgsqlParameter("schema", OrchestratorDbContext.Schema) } })
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var rows = new List<(string, string)>();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT t::text FROM {OrchestratorDbContext.Schema}.\"{table}\" t", db);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((table, reader.GetString(0)));
        }
        return rows;
    }
}
