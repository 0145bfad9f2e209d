using System.Formats.Tar;
using System.IO.Compression;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Gryphgen.Contracts;
using NetMQ;
using Npgsql;
using Xunit;

namespace Gryphgen.Testing;

/// <summary>
/// Everything a task needs, each a real process on real sockets: PostgreSQL and Redis, SYMORG, SYMAUG (with its
/// bubblewrap sandbox), SYMORQ, and one agent process per role dialling in over ZeroMQ (CURVE) with its role's credential. The grid's only endpoint is
/// two <see cref="ScriptedLlmServer"/>s (the usual models, and a stronger one to escalate to) whose answers the tests
/// script per role (<see cref="Scripts"/>). The public
/// API requires <see cref="ApiKey"/>, so every client here proves it sends it.
/// </summary>
public class MissionSystem : IAsyncLifetime
{
    public const string ApiKey = "mission-test-key";
    public static readonly string[] Roles = ["generator", "analyzer", "monitor", "optimizer"];
    public static readonly string[] Aliases = ["default", "coder"];
    public const string StrongAlias = "coder-strong";

    /// <summary>
    /// Short enough for a test to see the health loop restart a step, long enough for any step here on a loaded
    /// two-core machine (twenty tasks' sandboxed test runs at once).
    /// </summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Retention here: a test ages a finished task past either limit (in the database) and sees the sweep act within a second.</summary>
    public static readonly TimeSpan WorkspacesFor = TimeSpan.FromHours(1), ArtifactsFor = TimeSpan.FromDays(1);

    /// <summary>Caps on live watches, small enough for a test to reach.</summary>
    public const int MaxWatchersPerTask = 3, MaxWatchersPerKey = 7;

    private readonly string[] _agentRoles;
    private readonly Dictionary<string, LoggedProcess> _agents = [];
    private readonly Dictionary<string, Dictionary<string, string>> _agentSettings = [];
    private string _workspaces = "";
    private IReadOnlyDictionary<string, string> _credentials = new Dictionary<string, string>();
    private string _brokerPublicKey = "";
    private Dictionary<string, string> _symorqSettings = [];
    private Dictionary<string, string> _symaugSettings = [];
    private Dictionary<string, string> _symorgSettings = [];
    private RedisServerProcess? _redis;
    private GrpcChannel? _channel;
    private GrpcChannel? _symaugChannel;

    public MissionSystem() : this(Roles)
    {
    }

    /// <summary>
    /// Only <paramref name="agentRoles"/> get an agent process; the test plays the other roles itself
    /// (<see cref="StartPlayedRolesAsync"/>), e.g. as a worker that lies.
    /// </summary>
    protected MissionSystem(string[] agentRoles) => _agentRoles = agentRoles;

    /// <summary>Connects the workers of the roles no agent process plays: to the fabric port, with each role's credential.</summary>
    protected virtual Task StartPlayedRolesAsync(int fabricPort, string brokerPublicKey, IReadOnlyDictionary<string, string> credentials) =>
        Task.CompletedTask;

    protected virtual ValueTask StopPlayedRolesAsync() => ValueTask.CompletedTask;

    /// <summary>The database all the services share: a new one on the test assembly's shared server, unless overridden.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => SharedPostgres.CreateDatabaseAsync("missions");

    /// <summary>The folder SYMAUG keeps its workspaces in: a new temporary one, unless overridden.</summary>
    protected virtual string CreateWorkspaceRoot() => Directory.CreateTempSubdirectory("gryphgen-missions-").FullName;

    protected virtual void DeleteWorkspaceRoot(string root) => Directory.Delete(root, recursive: true);

    /// <summary>
    /// Endpoints beside the two scripted ones, started before SYMORQ, which has them in its grid; none unless overridden.
    /// </summary>
    protected virtual Task<IReadOnlyList<(string Name, Uri Url, string Kind, string[] Aliases)>> StartMoreEndpointsAsync() =>
        Task.FromResult<IReadOnlyList<(string, Uri, string, string[])>>([]);

    /// <summary>
    /// Last word on a service's settings before it first starts (<c>Gryphgen.Symorq</c>, <c>Gryphgen.Symaug</c>,
    /// <c>Gryphgen.Symorg</c>, and <c>Gryphgen.Agents.ROLE</c> for each role's agent).
    /// </summary>
    protected virtual void Configure(string service, Dictionary<string, string> settings)
    {
    }

    public ScriptedLlmServer Llm { get; private set; } = null!;

    public RedisServerProcess Redis => _redis!;

    /// <summary>The endpoint serving <see cref="StrongAlias"/>, the alias the optimizer escalates <c>coder</c> to.</summary>
    public ScriptedLlmServer StrongLlm { get; private set; } = null!;

    public RoleScripts Scripts { get; } = new();

    public ServiceProcess Symorq { get; private set; } = null!;

    public ServiceProcess Symaug { get; private set; } = null!;

    public ServiceProcess Symorg { get; private set; } = null!;

    /// <summary>Processor time the four agent processes have used so far, e.g. to cost a benchmark's iterations.</summary>
    public TimeSpan AgentsProcessorTime => _agents.Values.Aggregate(TimeSpan.Zero, (sum, agent) => sum + agent.ProcessorTime);

    public Tasks.TasksClient Tasks { get; private set; } = null!;

    /// <summary>The connection string of the database all the services share.</summary>
    public string Database { get; private set; } = "";

    /// <summary>SYMAUG's own API, as SYMORQ calls it: to read what a task left (its checkpoints) beside what SYMORQ says.</summary>
    public Contracts.Workspaces.WorkspacesClient Workspaces { get; private set; } = null!;

    /// <summary>SYMAUG's sandbox user pool, its own among the SYMAUGs tests start.</summary>
    public UidPool UidPool { get; } = UidPool.Next();

    /// <summary>Environment for the <c>gryphgen</c> command: where SYMORQ is and the API key.</summary>
    public IReadOnlyDictionary<string, string?> CliEnvironment => new Dictionary<string, string?>
    {
        ["GRYPHGEN_URL"] = Symorq.GrpcUrl.ToString(), ["GRYPHGEN_API_KEY"] = ApiKey,
    };

    public async Task InitializeAsync()
    {
        Llm = await ScriptedLlmServer.StartAsync("scripted-coder");
        Llm.Fallback = Scripts.Answer;
        StrongLlm = await ScriptedLlmServer.StartAsync("scripted-strong");
        StrongLlm.Fallback = Scripts.Answer;
        _redis = await RedisServerProcess.StartAsync();
        _workspaces = CreateWorkspaceRoot();
        // One database for all services, as in production: each migrates its own tables with its own history.
        var database = Database = await CreateDatabaseAsync();
        _symorgSettings = new Dictionary<string, string>
        {
            ["ConnectionStrings__gryphgen"] = database, ["ConnectionStrings__redis"] = _redis.ConnectionString,
            [GridProcesses.InternalCredentialVariable] = GridProcesses.InternalCredential,
        };
        Configure("Gryphgen.Symorg", _symorgSettings);
        Symorg = await ServiceProcess.StartAsync("Gryphgen.Symorg", _symorgSettings);
        _symaugSettings = new Dictionary<string, string>
        {
            ["ConnectionStrings__gryphgen"] = database, ["Workspaces__Root"] = _workspaces,
            [GridProcesses.InternalCredentialVariable] = GridProcesses.InternalCredential,
        };
        foreach (var (key, value) in UidPool.Settings) _symaugSettings[key] = value;
        Configure("Gryphgen.Symaug", _symaugSettings);
        Symaug = await ServiceProcess.StartAsync("Gryphgen.Symaug", _symaugSettings);
        _symaugChannel = ApiKeyChannel.Open(Symaug.GrpcUrl, GridProcesses.InternalCredential);
        Workspaces = new Contracts.Workspaces.WorkspacesClient(_symaugChannel);

        var fabricPort = FreePort.Next();
        _symorqSettings = await GridProcesses.Settings(_redis,
            [("scripted", Llm.Url, "openai", Aliases), ("strong", StrongLlm.Url, "openai", [StrongAlias]), .. await StartMoreEndpointsAsync()]);
        _symorqSettings["ConnectionStrings__gryphgen"] = database;
        _symorqSettings["Fabric__Port"] = fabricPort.ToString();
        _credentials = Roles.ToDictionary(role => role, role => $"{role}-{Guid.NewGuid():N}");
        foreach (var (role, credential) in _credentials) _symorqSettings[$"Fabric__Credentials__{role}__0"] = credential;
        var brokerKeys = new NetMQCertificate();
        _brokerPublicKey = brokerKeys.PublicKeyZ85;
        _symorqSettings["Fabric__CurveSecretKey"] = brokerKeys.SecretKeyZ85!;
        _symorqSettings["services__symorg__grpc__0"] = Symorg.GrpcUrl.ToString();
        _symorqSettings["services__symaug__grpc__0"] = Symaug.GrpcUrl.ToString();
        _symorqSettings["Gryphgen__Gateway__ApiKey"] = ApiKey;
        _symorqSettings["Gryphgen__Gateway__AgentKey"] = GridProcesses.AgentKey;
        _symorqSettings["Gryphgen__Workflow__MaxConcurrentTasks"] = "8";
        _symorqSettings["Gryphgen__Workflow__PollInterval"] = "00:00:00.200";
        _symorqSettings["Gryphgen__Workflow__LeaseDuration"] = "00:00:03";
        _symorqSettings["Gryphgen__Workflow__StepStallTimeout"] = StallTimeout.ToString();
        _symorqSettings["Gryphgen__Workflow__MaxWatchersPerTask"] = MaxWatchersPerTask.ToString();
        _symorqSettings["Gryphgen__Workflow__MaxWatchersPerKey"] = MaxWatchersPerKey.ToString();
        // Longer than any test: a watch here is woken by its task's events, or not at all.
        _symorqSettings["Gryphgen__Workflow__WatchRecheck"] = "00:30:00";
        _symorqSettings["Gryphgen__Workflow__Escalation__coder"] = StrongAlias;
        _symorqSettings["Gryphgen__Retention__WorkspacesFor"] = WorkspacesFor.ToString();
        _symorqSettings["Gryphgen__Retention__ArtifactsFor"] = ArtifactsFor.ToString();
        _symorqSettings["Gryphgen__Retention__SweepInterval"] = "00:00:00.500";
        Configure("Gryphgen.Symorq", _symorqSettings);
        Symorq = await ServiceProcess.StartAsync("Gryphgen.Symorq", _symorqSettings);

        foreach (var role in _agentRoles)
        {
            _agentSettings[role] = AgentSettings(role, Symorq, fabricPort);
            _agents[role] = ServiceProcess.StartWorker("Gryphgen.Agents", _agentSettings[role]);
        }
        await StartPlayedRolesAsync(fabricPort, _brokerPublicKey, _credentials);
        Connect();
        await WaitForAgentsAsync(_channel!);
    }

    /// <summary>An agent of <paramref name="role"/> for the SYMORQ replica <paramref name="symorq"/>: its gateway, and its broker on <paramref name="fabricPort"/>.</summary>
    private Dictionary<string, string> AgentSettings(string role, ServiceProcess symorq, int fabricPort)
    {
        var settings = new Dictionary<string, string>
        {
            ["Agent__Role"] = role, ["Agent__Capacity"] = "8", ["Agent__GatewayApiKey"] = GridProcesses.AgentKey,
            ["Agent__Gateway"] = new Uri(symorq.HttpUrl, "v1").ToString(), ["Fabric__Endpoint"] = $"tcp://127.0.0.1:{fabricPort}",
            ["Fabric__Credential"] = _credentials[role], ["Fabric__BrokerPublicKey"] = _brokerPublicKey,
        };
        Configure($"Gryphgen.Agents.{role}", settings);
        return settings;
    }

    /// <summary>
    /// A second SYMORQ replica on the same database, Redis, SYMORG and SYMAUG, with an agent per role of its own (an
    /// agent dials one broker); it claims tasks as the first does. With <paramref name="runsTasks"/> false it runs none
    /// (and has no agents): it serves the API alone. <paramref name="settings"/> add to or override the first's. The
    /// caller disposes of it.
    /// </summary>
    public async Task<SymorqReplica> StartReplicaAsync(bool runsTasks = true, IReadOnlyDictionary<string, string>? settings = null)
    {
        var fabricPort = FreePort.Next();
        var own = new Dictionary<string, string>(_symorqSettings) { ["Fabric__Port"] = fabricPort.ToString() };
        if (!runsTasks) own["Gryphgen__Workflow__MaxConcurrentTasks"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) own[key] = value;
        var symorq = await ServiceProcess.StartAsync("Gryphgen.Symorq", own);
        var agents = runsTasks ? Roles.Select(role => ServiceProcess.StartWorker("Gryphgen.Agents", AgentSettings(role, symorq, fabricPort))) : [];
        var replica = new SymorqReplica(symorq, [.. agents]);
        if (!runsTasks) return replica;
        try
        {
            using var channel = ApiKeyChannel.Open(symorq.GrpcUrl, ApiKey);
            await WaitForAgentsAsync(channel);
            return replica;
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills SYMORQ (SIGKILL) and starts it again on the same ports, database and settings.</summary>
    public async Task RestartSymorqAsync()
    {
        Symorq.Kill();
        var (http, grpc) = (Symorq.HttpUrl, Symorq.GrpcUrl);
        await Symorq.DisposeAsync();
        Symorq = await ServiceProcess.StartAsync("Gryphgen.Symorq", _symorqSettings, http, grpc);
        Connect();
        await WaitForAgentsAsync(_channel!);
    }

    /// <summary>Kills SYMAUG (SIGKILL), as a crash would; <see cref="StartSymaugAgainAsync"/> brings it back.</summary>
    public void KillSymaug() => Symaug.Kill();

    /// <summary>Starts SYMAUG again on the ports, database and workspace folder it had.</summary>
    public async Task StartSymaugAgainAsync() => Symaug = await StartAgainAsync(Symaug, "Gryphgen.Symaug", _symaugSettings);

    /// <summary>Starts SYMORG again on the ports and database it had (after <c>Symorg.Kill()</c>).</summary>
    public async Task StartSymorgAgainAsync() => Symorg = await StartAgainAsync(Symorg, "Gryphgen.Symorg", _symorgSettings);

    /// <summary>Kills the agent process of <paramref name="role"/> (SIGKILL); its jobs in hand are lost with it.</summary>
    public void KillAgent(string role) => _agents[role].Kill();

    /// <summary>Stops the agent of <paramref name="role"/> (SIGSTOP) until <see cref="ResumeAgent"/>: its sockets open, its heartbeats silent.</summary>
    public void PauseAgent(string role) => _agents[role].Pause();

    public void ResumeAgent(string role) => _agents[role].Resume();

    /// <summary>Starts the agent of <paramref name="role"/> again with its credential; it dials the broker anew.</summary>
    public async Task StartAgentAgainAsync(string role)
    {
        await _agents[role].DisposeAsync();
        _agents[role] = ServiceProcess.StartWorker("Gryphgen.Agents", _agentSettings[role]);
        await WaitForAgentsAsync(_channel!);
    }

    /// <summary>Stops the usual models' endpoint at once: its connections drop and its port refuses.</summary>
    public ValueTask StopLlmAsync() => Llm.DisposeAsync();

    /// <summary>Serves the usual models again where the endpoint was, with the same scripts.</summary>
    public async Task StartLlmAgainAsync()
    {
        Llm = await ScriptedLlmServer.StartAsync(Llm.ModelId, Llm.Url);
        Llm.Fallback = Scripts.Answer;
    }

    /// <summary>The components SYMORQ's status calls unhealthy now, by name (empty: everything healthy).</summary>
    public async Task<IReadOnlyList<string>> UnhealthyAsync()
    {
        var status = await new Contracts.Status.StatusClient(_channel).GetStatusAsync(new GetStatusRequest());
        return [.. status.Components.Where(c => !c.Healthy).Select(c => $"{c.Name}: {c.Detail}")];
    }

    private static async Task<ServiceProcess> StartAgainAsync(ServiceProcess old, string name, Dictionary<string, string> settings)
    {
        var (http, grpc) = (old.HttpUrl, old.GrpcUrl);
        await old.DisposeAsync();
        return await ServiceProcess.StartAsync(name, settings, http, grpc);
    }

    public Task<TaskInfo> SubmitAsync(string spec) => Tasks.SubmitAsync(new SubmitTaskRequest { Spec = spec }).ResponseAsync;

    public async Task<TaskDetail> GetAsync(string taskId) => await Tasks.GetAsync(new TaskRef { TaskId = taskId });

    /// <summary>Waits (bounded) until the task has ended and returns it with its steps.</summary>
    public Task<TaskDetail> WaitForEndAsync(string taskId, TimeSpan? timeout = null) =>
        Eventually.Get(() => GetAsync(taskId),
            d => d.Task.State is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled,
            timeout ?? TimeSpan.FromMinutes(2), $"task {taskId} ending");

    /// <summary>The host folder a task's workspace files are in (bound at /workspace in its runs).</summary>
    public string FilesOf(TaskInfo task) => Path.Combine(FolderOf(task), "files");

    /// <summary>The host folder of the task's whole workspace (files, git history, seeds, reports; or its archive).</summary>
    public string FolderOf(TaskInfo task) => Path.Combine(_workspaces, Guid.Parse(task.WorkspaceId).ToString("N"));

    /// <summary>The host uid the task's code runs as: its workspace's own, from SYMAUG's pool.</summary>
    public async Task<int> UidOf(TaskInfo task)
    {
        var uid = int.Parse((await HostFiles.OwnerAndModeAsync(FilesOf(task))).Split(' ')[0]);
        return UidPool.Holds(uid) ? uid : throw new InvalidOperationException($"task {task.TaskId} runs as uid {uid}, outside SYMAUG's pool");
    }

    /// <summary>The task's exported project, as <c>gryphgen artifacts</c> receives it, read entry by entry.</summary>
    public Task<IReadOnlyDictionary<string, ExportedEntry>> ArtifactsAsync(string taskId) =>
        ExportedArchive.ReadAsync(ArtifactChunks(taskId));

    /// <summary>The task's exported project unpacked into a new folder (an archive without links).</summary>
    public async Task<string> UnpackArtifactsAsync(string taskId)
    {
        var folder = Directory.CreateTempSubdirectory("gryphgen-artifact-").FullName;
        using var archive = new MemoryStream();
        await foreach (var chunk in ArtifactChunks(taskId)) chunk.WriteTo(archive);
        archive.Position = 0;
        await using var gzip = new GZipStream(archive, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, folder, overwriteFiles: false);
        return folder;
    }

    /// <summary>
    /// One value from the shared database, <c>@id</c> bound to <paramref name="taskId"/>: to read or set what the API
    /// does not show (a lease's generation, a task's age).
    /// </summary>
    public Task<T> SqlAsync<T>(string sql, string taskId, params (string Name, object Value)[] parameters) =>
        SqlAsync(sql, taskId, parameters, async command => (T)(await command.ExecuteScalarAsync())!);

    /// <summary>The first column of every row, as text.</summary>
    public Task<List<string>> SqlListAsync(string sql, string taskId, params (string Name, object Value)[] parameters) =>
        SqlAsync(sql, taskId, parameters, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            return rows;
        });

    private async Task<T> SqlAsync<T>(string sql, string taskId, (string Name, object Value)[] parameters, Func<NpgsqlCommand, Task<T>> run)
    {
        await using var source = NpgsqlDataSource.Create(Database);
        await using var command = source.CreateCommand(sql);
        command.Parameters.AddWithValue("id", taskId);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await run(command);
    }

    private async IAsyncEnumerable<ByteString> ArtifactChunks(string taskId)
    {
        using var call = Tasks.Artifacts(new TaskRef { TaskId = taskId });
        await foreach (var chunk in call.ResponseStream.ReadAllAsync()) yield return chunk.Data;
    }

    private void Connect()
    {
        _channel?.Dispose();
        _channel = ApiKeyChannel.Open(Symorq.GrpcUrl, ApiKey);
        Tasks = new Tasks.TasksClient(_channel);
    }

    private static Task WaitForAgentsAsync(GrpcChannel channel) =>
        Eventually.Get(async () => await new Contracts.Status.StatusClient(channel).GetStatusAsync(new GetStatusRequest()),
            status => AgentsConnected.All(status, Roles),
            TimeSpan.FromMinutes(1), "every agent role registering");

    public virtual async Task DisposeAsync()
    {
        _channel?.Dispose();
        _symaugChannel?.Dispose();
        foreach (var agent in _agents.Values) await agent.DisposeAsync();
        await StopPlayedRolesAsync();
        foreach (var service in new[] { Symorq, Symaug, Symorg }) if (service is not null) await service.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        foreach (var llm in new[] { Llm, StrongLlm }) if (llm is not null) await llm.DisposeAsync();
        if (_workspaces.Length > 0) DeleteWorkspaceRoot(_workspaces);
    }
}
