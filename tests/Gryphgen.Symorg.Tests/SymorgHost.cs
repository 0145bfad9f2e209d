using Grpc.Net.Client;
using Gryphgen.Contracts;
using Gryphgen.ServiceDefaults.Security;
using Gryphgen.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Gryphgen.Symorg.Tests;

/// <summary>
/// The real SYMORG (its Program, migrations at start-up, its gRPC API) in-process, against a real PostgreSQL with
/// pgvector and a real redis-server, shared by the test classes of the "symorg" collection.
/// </summary>
public class SymorgHost : IAsyncLifetime
{
    public const long MaxFileBytes = 16 * 1024;

    private PostgresServerProcess _postgres = null!;
    private RedisServerProcess _redis = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private GrpcChannel _channel = null!;

    /// <summary>Short enough for a test to wait out, long enough for a tiny model's embeddings on a loaded machine.</summary>
    public static readonly TimeSpan EmbeddingFirstByteTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The only folder IngestPath may read (Symorg:AllowedRoots).</summary>
    public string AllowedRoot { get; } = Directory.CreateTempSubdirectory("symorg-allowed-").FullName;

    public string ConnectionString { get; private set; } = "";

    public RedisServerProcess Redis => _redis;

    public Knowledge.KnowledgeClient Knowledge { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServerProcess.StartAsync();
        _redis = await RedisServerProcess.StartAsync();
        ConnectionString = await _postgres.CreateDatabaseAsync("symorg");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:gryphgen", ConnectionString)
            .UseSetting("ConnectionStrings:redis", RedisFor(_redis))
            .UseSetting("Symorg:AllowedRoots:0", AllowedRoot)
            .UseSetting("Symorg:MaxFileBytes", MaxFileBytes.ToString())
            .UseSetting("Symorg:MaxArchiveBytes", (1 << 20).ToString())
            .UseSetting("Symorg:MaxUnpackedBytes", (1 << 20).ToString())
            .UseSetting("Symorg:EmbeddingFirstByteTimeout", EmbeddingFirstByteTimeout.ToString())
            .UseSetting(InternalCredential.ConfigurationKey, GridProcesses.InternalCredential));
        _channel = OpenChannel(GridProcesses.InternalCredential);
        Knowledge = new Knowledge.KnowledgeClient(_channel);
    }

    /// <summary>The Redis SYMORG is told to use.</summary>
    protected virtual string RedisFor(RedisServerProcess redis) => redis.ConnectionString;

    /// <summary>A channel to SYMORG that presents <paramref name="credential"/> as SYMORQ does (none: a stranger).</summary>
    public GrpcChannel OpenChannel(string? credential) =>
        ApiKeyChannel.Open(_factory.Server.BaseAddress, credential, new GrpcChannelOptions { HttpHandler = _factory.Server.CreateHandler() });

    public HttpClient CreateHttpClient() => _factory.CreateClient();

    /// <summary>A fresh copy of the sample repository under the allowed root.</summary>
    public string NewSampleRepository() =>
        SampleRepository.WriteTo(Directory.CreateDirectory(Path.Combine(AllowedRoot, Guid.NewGuid().ToString("n"))).FullName);

    /// <summary>Ingests a fresh copy of the sample repository into a collection, filed under the source "repo".</summary>
    public async Task<IngestReply> IngestSampleRepositoryAsync(string collection) =>
        await Knowledge.IngestPathAsync(new IngestPathRequest { Collection = collection, Path = NewSampleRepository(), Source = "repo" });

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _factory.DisposeAsync();
        await _redis.DisposeAsync();
        await _postgres.DisposeAsync();
        Directory.Delete(AllowedRoot, recursive: true);
    }
}

[CollectionDefinition("symorg")]
public sealed class SymorgCollection : ICollectionFixture<SymorgHost>;

/// <summary>SYMORG told of a Redis that is not there: a port nothing listens on, as when Redis is down.</summary>
public sealed class SymorgWithoutRedisHost : SymorgHost
{
    protected override string RedisFor(RedisServerProcess redis) => $"127.0.0.1:{FreePort.Next()}";
}

[CollectionDefinition("symorg-without-redis")]
public sealed class SymorgWithoutRedisCollection : ICollectionFixture<SymorgWithoutRedisHost>;
