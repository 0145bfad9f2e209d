using Grpc.Net.Client;
using Gryphgen.Contracts;
using Gryphgen.ServiceDefaults.Security;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Symaug.Workspaces;
using Gryphgen.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// The real SYMAUG service in-process (its Program, gRPC, interceptors), on a real PostgreSQL, running code in
/// the real bubblewrap sandbox (<see cref="ContainerSymaugServer"/>: in containers), with small limits so that hostile
/// programs are contained quickly.
/// </summary>
public class SymaugServer : IAsyncLifetime
{
    public const int MaxFiles = 20;
    public const long MaxFileBytes = 64 * 1024;
    public const int Processes = 32;
    public const long FileSizeBytes = 1 << 20;
    public const long AddressSpaceBytes = 1L << 30;
    public const long TmpBytes = 16 << 20;
    // Above the address-space limit, so that one process's runaway allocation still fails there (MemoryError).
    public const long MemoryBytes = 1536L << 20;
    // Below the process limit, so that a fork bomb meets the cgroup's limit first.
    public const int Pids = 24;
    public const long QuotaBytes = 16 << 20, QuotaFiles = 500;

    private PostgresServerProcess? _postgres;
    private WebApplicationFactory<Program>? _factory;
    private string _connectionString = "";

    private readonly IReadOnlyDictionary<string, string> _settings;

    public SymaugServer() : this(new Dictionary<string, string>())
    {
    }

    /// <summary>SYMAUG with <paramref name="settings"/> over the test defaults (<c>Sandbox:Backend</c> bubblewrap).</summary>
    protected SymaugServer(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    /// <summary>The sandbox backend this SYMAUG was told to use.</summary>
    public string Backend => _settings.GetValueOrDefault("Sandbox:Backend", Backends.Bubblewrap);

    /// <summary>The sandbox uids this SYMAUG hands out, its own among the SYMAUGs tests start.</summary>
    public UidPool UidPool { get; } = UidPool.Next();

    public string Root { get; } = Directory.CreateTempSubdirectory("gryphgen-workspaces-").FullName;

    public Contracts.Workspaces.WorkspacesClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServerProcess.StartAsync();
        _connectionString = await _postgres.CreateDatabaseAsync("symaug");
        Start();
    }

    /// <summary>Stops SYMAUG and starts it again on the same database and state folder.</summary>
    public async Task RestartAsync()
    {
        await _factory!.DisposeAsync();
        Start();
    }

    /// <summary>SYMAUG's database, for tests that set up what an older SYMAUG left there.</summary>
    public string ConnectionString => _connectionString;
    /// <summary>One of the running SYMAUG's own services, for tests that go past the API to what stands behind it.</summary>
    public T Service<T>() where T : notnull => _factory!.Services.GetRequiredService<T>();

    /// <summary>Where a workspace's files are on the host, for checks that look past the API.</summary>
    public string FilesOf(string workspaceId) => WorkspaceLayout.For(Root, Guid.Parse(workspaceId)).Files;

    /// <summary>The host uid a workspace's code runs as: its own, from SYMAUG's pool.</summary>
    public int UidOf(string workspaceId)
    {
        var uid = UnixFiles.OwnerOf(FilesOf(workspaceId));
        Assert.True(UidPool.Holds(uid), $"uid {uid} is outside SYMAUG's pool {UidPool}");
        return uid;
    }

    private void Start()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:gryphgen", _connectionString);
            host.UseSetting("Workspaces:Root", Root);
            host.UseSetting("Workspaces:MaxFiles", MaxFiles.ToString());
            host.UseSetting("Workspaces:MaxFileBytes", MaxFileBytes.ToString());
            host.UseSetting("Sandbox:Processes", Processes.ToString());
            host.UseSetting("Sandbox:FileSizeBytes", FileSizeBytes.ToString());
            host.UseSetting("Sandbox:AddressSpaceBytes", AddressSpaceBytes.ToString());
            host.UseSetting("Sandbox:DefaultTimeLimitSeconds", "20");
            host.UseSetting("Sandbox:UidPoolStart", UidPool.Start.ToString());
            host.UseSetting("Sandbox:UidPoolSize", UidPool.Size.ToString());
            host.UseSetting("Sandbox:TmpBytes", TmpBytes.ToString());
            host.UseSetting(InternalCredential.ConfigurationKey, GridProcesses.InternalCredential);
            host.UseSetting("Sandbox:MemoryBytes", MemoryBytes.ToString());
            host.UseSetting("Sandbox:Pids", Pids.ToString());
            host.UseSetting("Workspaces:QuotaBytes", QuotaBytes.ToString());
            host.UseSetting("Workspaces:QuotaFiles", QuotaFiles.ToString());
            host.UseSetting("Sandbox:Backend", Backend);
            foreach (var (key, value) in _settings) host.UseSetting(key, value);
        });
        Client = new Contracts.Workspaces.WorkspacesClient(OpenChannel(GridProcesses.InternalCredential));
    }

    /// <summary>A channel to SYMAUG that presents <paramref name="credential"/> as SYMORQ does (none: a stranger).</summary>
    public GrpcChannel OpenChannel(string? credential) => ApiKeyChannel.Open(_factory!.Server.BaseAddress, credential,
        new GrpcChannelOptions { HttpHandler = _factory.Server.CreateHandler(), MaxReceiveMessageSize = 64 << 20 });

    public HttpClient CreateHttpClient() => _factory!.CreateClient();

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>
/// <see cref="SymaugServer"/> with <c>Sandbox:Backend=container</c>: each run in a podman container of the image
/// scripts/setup.sh builds. Where podman or the image is missing its tests fail (SYMAUG is unhealthy and refuses runs):
/// the set-up installs both.
/// </summary>
public sealed class ContainerSymaugServer() : SymaugServer(new Dictionary<string, string> { ["Sandbox:Backend"] = Backends.Container });
