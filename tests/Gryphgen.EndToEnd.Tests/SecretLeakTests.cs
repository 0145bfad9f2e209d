using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// After a run that used every secret, none of them is in anything the system lets out: any resource's console log,
/// the spans and structured logs the services exported, the status (gRPC and <c>gryphgen status --json</c>), the
/// errors callers get, or the published manifest. The secrets are found generically, so ones added later are covered:
/// every secret parameter of the app model, every secret in the state folder's secrets, and the keys this test makes.
/// </summary>
[Collection(RunningSystem.Name)]
public sealed class SecretLeakTests(GryphgenAppFixture system)
{
    // A token this long in a secrets file is a secret (redis.conf's "requirepass" is a keyword, its value is not).
    private const int SecretFileTokenLength = 16;

    [Fact]
    public async Task No_secret_is_in_the_logs_telemetry_status_errors_or_manifest_after_a_run_that_used_them_all()
    {
        // Used by starting the system: the fabric's CURVE keys and each worker's enrollment credential (the agents
        // registered), the Redis password (SYMORQ's ledger), the database's. Used below: the API key on gRPC and
        // HTTP, the internal credential (GetStatus crosses SYMORG and SYMAUG), an upstream's key, a wrong key.
        var endpointKey = Random("endpoint");
        var wrongKey = Random("wrong");
        var seen = new List<(string Where, string Text)>();
        await using var upstream = await ScriptedLlmServer.StartAsync("leak-check-model");
        using var admin = ApiKeyChannel.Open(system.GrpcUrl, system.ApiKey);
        var grid = new Grid.GridClient(admin);
        seen.Add(("AddEndpoint's answer", JsonFormatter.Default.Format(await grid.AddEndpointAsync(new AddEndpointRequest
        {
            Name = "leak-check", Url = upstream.Url.ToString(), Kind = "openai", Models = { "leak-check" }, ApiKey = endpointKey,
        }))));
        try
        {
            using var http = new HttpClient { BaseAddress = system.App.GetEndpoint("symorq", "http") };
            var answer = await Eventually.Get(() => ChatAsync(http, system.ApiKey), a => a.Status == 200, TimeSpan.FromMinutes(1),
                "the gateway answering through the endpoint added at run time");
            seen.Add(("gateway answer", answer.Text));
            Assert.Contains(upstream.Requests, r => r.Header("Authorization") == $"Bearer {endpointKey}");
            seen.Add(("ListEndpoints", JsonFormatter.Default.Format(await grid.ListEndpointsAsync(new ListEndpointsRequest()))));
            seen.Add(("GetStatus", JsonFormatter.Default.Format(await system.Status.GetStatusAsync(new GetStatusRequest()))));
            var cli = await GryphgenCli.RunAsync(["status", "--json"], system.CliEnvironment);
            Assert.Equal(0, cli.ExitCode);
            seen.Add(("gryphgen status --json", cli.StandardOutput + cli.StandardError));

            var refused = await ChatAsync(http, wrongKey);
            Assert.Equal(401, refused.Status);
            seen.Add(("the gateway's refusal", refused.Text));
            // The last call into SYMORQ carries a trace of ours: once its span is exported, so is what came before.
            var traceId = ActivityTraceId.CreateRandom();
            using var wrong = ApiKeyChannel.Open(system.GrpcUrl, wrongKey);
            var error = await Assert.ThrowsAsync<RpcException>(() => new Contracts.Status.StatusClient(wrong).GetStatusAsync(new GetStatusRequest(),
                new Metadata { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" } }).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            seen.Add(("gRPC refusal", $"{error.Message}\n{error.Trailers}"));
            var traceBytes = new byte[16];
            traceId.CopyTo(traceBytes);
            await Eventually.Get(() => Task.FromResult(system.Telemetry.Received("traces", traceBytes)), received => received,
                TimeSpan.FromMinutes(1), "SYMORQ exporting the refused call's span");
            Assert.Contains(system.Telemetry.Exports, e => e.Signal == "logs");
        }
        finally
        {
            await grid.RemoveEndpointAsync(new RemoveEndpointRequest { Name = "leak-check" });
        }

        var model = system.App.Services.GetRequiredService<DistributedApplicationModel>();
        var consoleLogs = await Task.WhenAll(model.Resources.Select(async r => ($"console log of {r.Name}", string.Join("\n", await system.ConsoleLogAsync(r)))));
        seen.AddRange(consoleLogs);
        var secrets = await SecretsAsync(model, endpointKey, wrongKey);
        using var manifest = await ManifestTests.WriteManifestAsync(
            [.. secrets.Where(s => s.Parameter is not null).Select(s => $"--Parameters:{s.Parameter}={s.Value}")]);
        seen.Add(("manifest", manifest.RootElement.GetRawText()));

        var leaks = (from secret in secrets
                     from form in Forms(secret.Value)
                     from place in seen.Where(p => p.Text.Contains(form, StringComparison.Ordinal)).Select(p => p.Where)
                         .Concat(system.Telemetry.Exports.Where(e => e.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(form)) >= 0)
                             .Select(e => $"exported {e.Signal}"))
                     select $"{secret.Name} in {place}").Distinct().ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        Assert.True(secrets.Count(s => s.Parameter is not null) >= 8, string.Join(", ", secrets.Select(s => s.Name))); // the test found them
    }

    private sealed record Secret(string Name, string Value, string? Parameter);

    /// <summary>Every secret parameter of the app model, every long token in a secrets file, and the test's own keys.</summary>
    private async Task<List<Secret>> SecretsAsync(DistributedApplicationModel model, string endpointKey, string wrongKey)
    {
        var secrets = new List<Secret> { new("the endpoint's API key", endpointKey, null), new("the wrong key", wrongKey, null) };
        foreach (var parameter in model.Resources.OfType<ParameterResource>().Where(p => p.Secret))
            secrets.Add(new($"parameter {parameter.Name}", (await parameter.GetValueAsync(default))!, parameter.Name));
        foreach (var file in Directory.EnumerateFiles(system.SecretsFolder, "*", SearchOption.AllDirectories))
        foreach (var token in (await File.ReadAllTextAsync(file)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(t => t.Length >= SecretFileTokenLength))
            secrets.Add(new($"{Path.GetFileName(file)} from the secrets folder", token, null));
        Assert.All(secrets, s => Assert.True(s.Value.Length >= SecretFileTokenLength, $"{s.Name} is too short to search for"));
        return secrets;
    }

    /// <summary>The secret as written, and as a JSON string escapes it (CURVE keys' Z85 has &lt;, &gt;, &amp;, +).</summary>
    private static IEnumerable<string> Forms(string secret) => new[] { secret, JsonEncodedText.Encode(secret).Value }.Distinct();

    private static string Random(string what) => $"{what}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(20))}";

    private static async Task<(int Status, string Text)> ChatAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
            Content = new StringContent("""{"model":"leak-check","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, $"{response.Headers}\n{await response.Content.ReadAsStringAsync()}");
    }
}
